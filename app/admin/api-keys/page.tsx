import type { Metadata } from "next";
import { ApiKeysManager } from "@/components/admin/api-keys-manager";
import { PageHeader } from "@/components/admin/page-header";

export const metadata: Metadata = { title: "API keys" };

export default function ApiKeysPage() {
  return (
    <>
      <PageHeader
        crumbs={[{ label: "API keys" }]}
        title="API keys"
        description="Keys for servers that call the REST API: scoped, tied to a channel, shown once, revocable and rotatable."
      />
      <ApiKeysManager />
    </>
  );
}
