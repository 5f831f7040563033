CREATE TYPE "public"."code_kind" AS ENUM('SHARED', 'UNIQUE');--> statement-breakpoint
CREATE TYPE "public"."code_status" AS ENUM('ACTIVE', 'DISABLED');--> statement-breakpoint
CREATE TYPE "public"."coupon_kind" AS ENUM('PERCENT', 'FIXED', 'FREE_SHIPPING');--> statement-breakpoint
CREATE TYPE "public"."coupon_status" AS ENUM('ACTIVE', 'DISABLED', 'ARCHIVED');--> statement-breakpoint
CREATE TYPE "public"."lock_status" AS ENUM('ACTIVE', 'RELEASED', 'REDEEMED', 'EXPIRED');--> statement-breakpoint
CREATE TYPE "public"."stacking_mode" AS ENUM('EXCLUSIVE', 'STACKABLE');--> statement-breakpoint
CREATE TABLE "books" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coupon_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"max_per_user" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "books_max_per_user_positive" CHECK ("books"."max_per_user" >= 1)
);
--> statement-breakpoint
CREATE TABLE "codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coupon_id" uuid NOT NULL,
	"lookup_hash" "bytea" NOT NULL,
	"code_encrypted" "bytea" NOT NULL,
	"kind" "code_kind" NOT NULL,
	"max_redemptions" integer,
	"status" "code_status" DEFAULT 'ACTIVE' NOT NULL,
	"assigned_user_id" uuid,
	"assigned_at" timestamp with time zone,
	"book_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "codes_max_redemptions_positive" CHECK (coalesce("codes"."max_redemptions", 1) >= 1)
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"internal_notes" text DEFAULT '' NOT NULL,
	"kind" "coupon_kind" NOT NULL,
	"value" bigint,
	"currency" text,
	"max_discount" bigint,
	"min_order_amount" bigint,
	"valid_from" timestamp with time zone,
	"valid_until" timestamp with time zone,
	"status" "coupon_status" DEFAULT 'ACTIVE' NOT NULL,
	"max_redemptions" integer,
	"max_redemptions_per_user" integer,
	"budget" bigint,
	"product_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"category_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"allowed_email_domains" text[] DEFAULT '{}'::text[] NOT NULL,
	"first_order_only" boolean DEFAULT false NOT NULL,
	"channels" text[] DEFAULT '{}'::text[] NOT NULL,
	"stacking" "stacking_mode" DEFAULT 'STACKABLE' NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"void_restores_uses" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupons_value_by_kind" CHECK (("coupons"."kind" = 'PERCENT' and "coupons"."value" between 1 and 10000)
       or ("coupons"."kind" = 'FIXED' and "coupons"."value" >= 1 and "coupons"."currency" is not null)
       or ("coupons"."kind" = 'FREE_SHIPPING' and "coupons"."value" is null)),
	CONSTRAINT "coupons_max_discount_percent_only" CHECK ("coupons"."max_discount" is null or ("coupons"."kind" = 'PERCENT' and "coupons"."max_discount" >= 0)),
	CONSTRAINT "coupons_currency_iso" CHECK ("coupons"."currency" is null or "coupons"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "coupons_money_has_currency" CHECK (("coupons"."max_discount" is null and "coupons"."min_order_amount" is null and "coupons"."budget" is null) or "coupons"."currency" is not null),
	CONSTRAINT "coupons_window" CHECK ("coupons"."valid_from" is null or "coupons"."valid_until" is null or "coupons"."valid_from" < "coupons"."valid_until"),
	CONSTRAINT "coupons_limits_positive" CHECK (coalesce("coupons"."max_redemptions", 1) >= 1 and coalesce("coupons"."max_redemptions_per_user", 1) >= 1 and coalesce("coupons"."budget", 1) >= 1),
	CONSTRAINT "coupons_min_order_nonnegative" CHECK (coalesce("coupons"."min_order_amount", 0) >= 0)
);
--> statement-breakpoint
CREATE TABLE "lock_items" (
	"lock_id" uuid NOT NULL,
	"code_id" uuid NOT NULL,
	"coupon_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "lock_items_lock_id_code_id_pk" PRIMARY KEY("lock_id","code_id")
);
--> statement-breakpoint
CREATE TABLE "locks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" text NOT NULL,
	"status" "lock_status" DEFAULT 'ACTIVE' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"cart" jsonb NOT NULL,
	"quote" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "redemptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coupon_id" uuid NOT NULL,
	"code_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"order_id" text NOT NULL,
	"lock_id" uuid,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"channel" text,
	"per_user_unique" boolean NOT NULL,
	"code_single_use" boolean NOT NULL,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"uses_restored" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redemptions_amount_nonnegative" CHECK ("redemptions"."amount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "books" ADD CONSTRAINT "books_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "books" ADD CONSTRAINT "books_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "codes" ADD CONSTRAINT "codes_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "codes" ADD CONSTRAINT "codes_assigned_user_id_users_id_fk" FOREIGN KEY ("assigned_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "codes" ADD CONSTRAINT "codes_book_id_books_id_fk" FOREIGN KEY ("book_id") REFERENCES "public"."books"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_items" ADD CONSTRAINT "lock_items_lock_id_locks_id_fk" FOREIGN KEY ("lock_id") REFERENCES "public"."locks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_items" ADD CONSTRAINT "lock_items_code_id_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_items" ADD CONSTRAINT "lock_items_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_code_id_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemptions" ADD CONSTRAINT "redemptions_lock_id_locks_id_fk" FOREIGN KEY ("lock_id") REFERENCES "public"."locks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "books_coupon_idx" ON "books" USING btree ("coupon_id");--> statement-breakpoint
CREATE UNIQUE INDEX "codes_lookup_hash_key" ON "codes" USING btree ("lookup_hash");--> statement-breakpoint
CREATE INDEX "codes_coupon_idx" ON "codes" USING btree ("coupon_id","created_at");--> statement-breakpoint
CREATE INDEX "codes_book_unassigned_idx" ON "codes" USING btree ("book_id") WHERE "codes"."assigned_user_id" is null;--> statement-breakpoint
CREATE INDEX "codes_assigned_user_idx" ON "codes" USING btree ("assigned_user_id");--> statement-breakpoint
CREATE INDEX "coupons_status_created_idx" ON "coupons" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "lock_items_coupon_idx" ON "lock_items" USING btree ("coupon_id");--> statement-breakpoint
CREATE INDEX "lock_items_code_idx" ON "lock_items" USING btree ("code_id");--> statement-breakpoint
CREATE INDEX "locks_active_expiry_idx" ON "locks" USING btree ("expires_at") WHERE "locks"."status" = 'ACTIVE';--> statement-breakpoint
CREATE UNIQUE INDEX "redemptions_code_order_key" ON "redemptions" USING btree ("code_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "redemptions_coupon_customer_once_key" ON "redemptions" USING btree ("coupon_id","customer_id") WHERE "redemptions"."per_user_unique" and not "redemptions"."uses_restored";--> statement-breakpoint
CREATE UNIQUE INDEX "redemptions_single_use_code_key" ON "redemptions" USING btree ("code_id") WHERE "redemptions"."code_single_use" and not "redemptions"."uses_restored";--> statement-breakpoint
CREATE INDEX "redemptions_coupon_created_idx" ON "redemptions" USING btree ("coupon_id","created_at");--> statement-breakpoint
CREATE INDEX "redemptions_customer_coupon_idx" ON "redemptions" USING btree ("customer_id","coupon_id");--> statement-breakpoint
CREATE INDEX "redemptions_order_idx" ON "redemptions" USING btree ("order_id");