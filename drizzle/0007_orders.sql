CREATE TYPE "public"."order_state" AS ENUM('pending', 'paid', 'failed');--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"state" "order_state" DEFAULT 'pending' NOT NULL,
	"currency" text NOT NULL,
	"items" jsonb NOT NULL,
	"shipping_method" text NOT NULL,
	"subtotal" bigint NOT NULL,
	"shipping" bigint NOT NULL,
	"discount_total" bigint NOT NULL,
	"shipping_discount" bigint NOT NULL,
	"total" bigint NOT NULL,
	"codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"quote" jsonb NOT NULL,
	"lock_id" uuid,
	"lock_expires_at" timestamp with time zone,
	"redemptions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure_reason" text,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	CONSTRAINT "orders_amounts_nonnegative" CHECK (least("orders"."subtotal", "orders"."shipping", "orders"."discount_total", "orders"."shipping_discount", "orders"."total") >= 0),
	CONSTRAINT "orders_paid_has_paid_at" CHECK (("orders"."state" = 'paid') = ("orders"."paid_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_users_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_lock_id_locks_id_fk" FOREIGN KEY ("lock_id") REFERENCES "public"."locks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_customer_idempotency_key" ON "orders" USING btree ("customer_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_customer_state_idx" ON "orders" USING btree ("customer_id","state","created_at");