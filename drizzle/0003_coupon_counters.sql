CREATE TABLE "coupon_counters" (
	"coupon_id" uuid PRIMARY KEY NOT NULL,
	"redemptions" integer DEFAULT 0 NOT NULL,
	"voided" integer DEFAULT 0 NOT NULL,
	"discount_total" bigint DEFAULT 0 NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "coupon_counters" ADD CONSTRAINT "coupon_counters_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "redemptions_voided_idx" ON "redemptions" USING btree ("voided_at") WHERE "redemptions"."voided_at" is not null;