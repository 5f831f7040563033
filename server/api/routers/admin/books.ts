import { assignBookInput, bookCodesInput, createBookInput, listBooksInput } from "@/server/domain/code-job-inputs";
import { assignBookCode } from "@/server/services/assign-book-code";
import { createBook } from "@/server/services/create-book";
import { listBooks } from "@/server/services/list-books";
import { listCodesOfBook } from "@/server/services/list-book-codes";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";
import { actorOf } from "./actor";

export const adminBooksRouter = createTRPCRouter({
  list: staffProcedure.input(listBooksInput).query(({ input }) => listBooks(input)),
  create: adminProcedure.input(createBookInput).mutation(({ ctx, input }) => createBook(input, actorOf(ctx))),
  assign: adminProcedure.input(assignBookInput).mutation(({ ctx, input }) => assignBookCode(input, actorOf(ctx))),
  // Codes are shown in plaintext here: admins only.
  codes: adminProcedure.input(bookCodesInput).query(({ input }) => listCodesOfBook(input)),
});
