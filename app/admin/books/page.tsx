import type { Metadata } from "next";
import { Suspense } from "react";
import { BooksManager } from "@/components/books/books-manager";

export const metadata: Metadata = { title: "Books" };

export default function BooksPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Books</h1>
      <Suspense>
        <BooksManager />
      </Suspense>
    </div>
  );
}
