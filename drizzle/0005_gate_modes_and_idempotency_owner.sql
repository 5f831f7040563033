CREATE TABLE "gate_modes" (
	"scope" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"generation" bigint NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "owner_token" uuid DEFAULT gen_random_uuid() NOT NULL;