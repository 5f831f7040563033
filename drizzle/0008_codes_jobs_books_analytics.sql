CREATE TYPE "public"."code_job_kind" AS ENUM('GENERATE', 'IMPORT');--> statement-breakpoint
CREATE TYPE "public"."code_job_status" AS ENUM('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');--> statement-breakpoint
CREATE TABLE "code_job_errors" (
	"job_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"error" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "code_job_errors_job_id_line_pk" PRIMARY KEY("job_id","line")
);
--> statement-breakpoint
CREATE TABLE "code_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "code_job_kind" NOT NULL,
	"status" "code_job_status" DEFAULT 'QUEUED' NOT NULL,
	"coupon_id" uuid NOT NULL,
	"book_id" uuid,
	"params" jsonb NOT NULL,
	"total" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "coupon_code_stats" (
	"coupon_id" uuid PRIMARY KEY NOT NULL,
	"unique_issued" integer NOT NULL,
	"shared_issued" integer NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "download_tokens" (
	"token_hash" "bytea" PRIMARY KEY NOT NULL,
	"target" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "redemption_daily" (
	"day" date NOT NULL,
	"coupon_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"currency" text NOT NULL,
	"code_kind" "code_kind" NOT NULL,
	"redemptions" integer NOT NULL,
	"voided" integer NOT NULL,
	"discount" bigint NOT NULL,
	CONSTRAINT "redemption_daily_day_coupon_id_channel_currency_code_kind_pk" PRIMARY KEY("day","coupon_id","channel","currency","code_kind")
);
--> statement-breakpoint
CREATE TABLE "refresh_marks" (
	"name" text PRIMARY KEY NOT NULL,
	"marked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upload_chunks" (
	"upload_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "upload_chunks_upload_id_seq_pk" PRIMARY KEY("upload_id","seq")
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"filename" text NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "codes_book_unassigned_idx";--> statement-breakpoint
ALTER TABLE "books" ADD COLUMN "claimable" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "codes" ADD COLUMN "job_id" uuid;--> statement-breakpoint
ALTER TABLE "code_job_errors" ADD CONSTRAINT "code_job_errors_job_id_code_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."code_jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "code_jobs" ADD CONSTRAINT "code_jobs_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "code_jobs" ADD CONSTRAINT "code_jobs_book_id_books_id_fk" FOREIGN KEY ("book_id") REFERENCES "public"."books"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "code_jobs" ADD CONSTRAINT "code_jobs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_code_stats" ADD CONSTRAINT "coupon_code_stats_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_tokens" ADD CONSTRAINT "download_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemption_daily" ADD CONSTRAINT "redemption_daily_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_chunks" ADD CONSTRAINT "upload_chunks_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "code_jobs_coupon_created_idx" ON "code_jobs" USING btree ("coupon_id","created_at");--> statement-breakpoint
CREATE INDEX "redemption_daily_coupon_day_idx" ON "redemption_daily" USING btree ("coupon_id","day");--> statement-breakpoint
ALTER TABLE "codes" ADD CONSTRAINT "codes_job_id_code_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."code_jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "codes_book_idx" ON "codes" USING btree ("book_id","created_at") WHERE "codes"."book_id" is not null;--> statement-breakpoint
CREATE INDEX "codes_job_idx" ON "codes" USING btree ("job_id") WHERE "codes"."job_id" is not null;--> statement-breakpoint
CREATE INDEX "codes_book_unassigned_idx" ON "codes" USING btree ("book_id","id") WHERE "codes"."assigned_user_id" is null;