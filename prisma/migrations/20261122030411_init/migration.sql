-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "organization" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "plan" TEXT NOT NULL DEFAULT 'free',
    "rate_limit_writes_per_minute" INTEGER,
    "rate_limit_reads_per_minute" INTEGER,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "display_prefix" TEXT NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'live',
    "scope" TEXT NOT NULL DEFAULT 'full',
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "phone_number" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "meta_phone_number_id" TEXT NOT NULL,
    "connected_meta_id" TEXT,
    "waba_id" TEXT NOT NULL,
    "display_phone_number" TEXT NOT NULL,
    "verified_name" TEXT,
    "quality_rating" TEXT NOT NULL DEFAULT 'UNKNOWN',
    "status" TEXT NOT NULL DEFAULT 'active',
    "paused_reason" TEXT,
    "is_sandbox" BOOLEAN NOT NULL DEFAULT false,
    "access_token_enc" TEXT NOT NULL,
    "app_secret_enc" TEXT,
    "throughput_per_second" INTEGER NOT NULL DEFAULT 80,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "disconnected_at" TIMESTAMPTZ(3),

    CONSTRAINT "phone_number_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "wa_id" TEXT,
    "phone" TEXT,
    "user_id" TEXT,
    "name" TEXT,
    "profile_name" TEXT,
    "email" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "opted_out" BOOLEAN NOT NULL DEFAULT false,
    "opted_out_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversation" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "phone_number_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "assignee_id" TEXT,
    "assignee_name" TEXT,
    "last_message_at" TIMESTAMPTZ(3),
    "last_inbound_at" TIMESTAMPTZ(3),
    "window_expires_at" TIMESTAMPTZ(3),
    "unread_count" INTEGER NOT NULL DEFAULT 0,
    "last_message_preview" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "phone_number_id" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "body" TEXT,
    "context_wamid" TEXT,
    "wamid" TEXT,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "possible_duplicates" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL DEFAULT 'api',
    "biz_opaque_callback_data" TEXT,
    "error_code" TEXT,
    "meta_error_code" INTEGER,
    "meta_error_title" TEXT,
    "meta_error_details" TEXT,
    "pricing" JSONB,
    "broadcast_id" TEXT,
    "send_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3),
    "queued_at" TIMESTAMPTZ(3),
    "sending_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "canceled_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "phone_number_id" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "meta_media_id" TEXT,
    "mime_type" TEXT NOT NULL,
    "sha256" TEXT,
    "file_size" INTEGER NOT NULL,
    "filename" TEXT,
    "data" BYTEA,
    "status" TEXT NOT NULL DEFAULT 'ready',
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "template" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "waba_id" TEXT NOT NULL,
    "meta_template_id" TEXT,
    "name" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "parameter_format" TEXT NOT NULL DEFAULT 'POSITIONAL',
    "components" JSONB NOT NULL DEFAULT '[]',
    "rejected_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "label" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "color" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "label_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact_label" (
    "organization_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "label_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contact_label_pkey" PRIMARY KEY ("organization_id","contact_id","label_id")
);

-- CreateTable
CREATE TABLE "contact_note" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "author_key_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contact_note_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_subscription" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "description" TEXT,
    "secret_enc" TEXT NOT NULL,
    "previous_secret_enc" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL DEFAULT 'active',
    "disabled_reason" TEXT,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery_attempt" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "response_body" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_delivery_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "request_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbound_event" (
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "inbound_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_record" (
    "organization_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_record_pkey" PRIMARY KEY ("organization_id","key")
);

-- CreateTable
CREATE TABLE "broadcast" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "phone_number_id" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "canceled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "broadcast_recipient" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "broadcast_id" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "contact_id" TEXT,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "broadcast_recipient_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_key_hash_key" ON "api_key"("hash");

-- CreateIndex
CREATE INDEX "api_key_organization_id_created_at_idx" ON "api_key"("organization_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "phone_number_connected_meta_id_key" ON "phone_number"("connected_meta_id");

-- CreateIndex
CREATE INDEX "phone_number_organization_id_created_at_idx" ON "phone_number"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "phone_number_meta_phone_number_id_idx" ON "phone_number"("meta_phone_number_id");

-- CreateIndex
CREATE INDEX "contact_organization_id_phone_idx" ON "contact"("organization_id", "phone");

-- CreateIndex
CREATE INDEX "contact_organization_id_created_at_idx" ON "contact"("organization_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "contact_organization_id_wa_id_key" ON "contact"("organization_id", "wa_id");

-- CreateIndex
CREATE UNIQUE INDEX "contact_organization_id_user_id_key" ON "contact"("organization_id", "user_id");

-- CreateIndex
CREATE INDEX "conversation_organization_id_last_message_at_idx" ON "conversation"("organization_id", "last_message_at" DESC);

-- CreateIndex
CREATE INDEX "conversation_organization_id_contact_id_idx" ON "conversation"("organization_id", "contact_id");

-- CreateIndex
CREATE UNIQUE INDEX "conversation_organization_id_phone_number_id_contact_id_key" ON "conversation"("organization_id", "phone_number_id", "contact_id");

-- CreateIndex
CREATE INDEX "message_organization_id_conversation_id_id_idx" ON "message"("organization_id", "conversation_id", "id" DESC);

-- CreateIndex
CREATE INDEX "message_organization_id_id_idx" ON "message"("organization_id", "id" DESC);

-- CreateIndex
CREATE INDEX "message_organization_id_broadcast_id_idx" ON "message"("organization_id", "broadcast_id");

-- CreateIndex
CREATE INDEX "message_status_updated_at_idx" ON "message"("status", "updated_at");

-- CreateIndex
CREATE INDEX "message_wamid_idx" ON "message"("wamid");

-- CreateIndex
CREATE UNIQUE INDEX "message_phone_number_id_wamid_key" ON "message"("phone_number_id", "wamid");

-- CreateIndex
CREATE INDEX "media_organization_id_created_at_idx" ON "media"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "media_organization_id_meta_media_id_idx" ON "media"("organization_id", "meta_media_id");

-- CreateIndex
CREATE INDEX "template_organization_id_status_idx" ON "template"("organization_id", "status");

-- CreateIndex
CREATE INDEX "template_meta_template_id_idx" ON "template"("meta_template_id");

-- CreateIndex
CREATE UNIQUE INDEX "template_organization_id_waba_id_name_language_key" ON "template"("organization_id", "waba_id", "name", "language");

-- CreateIndex
CREATE UNIQUE INDEX "label_organization_id_name_key" ON "label"("organization_id", "name");

-- CreateIndex
CREATE INDEX "contact_label_organization_id_label_id_idx" ON "contact_label"("organization_id", "label_id");

-- CreateIndex
CREATE INDEX "contact_note_organization_id_contact_id_created_at_idx" ON "contact_note"("organization_id", "contact_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_subscription_organization_id_created_at_idx" ON "webhook_subscription"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_delivery_organization_id_created_at_idx" ON "webhook_delivery"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_delivery_organization_id_subscription_id_created_at_idx" ON "webhook_delivery"("organization_id", "subscription_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_delivery_status_next_attempt_at_idx" ON "webhook_delivery"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_delivery_attempt_organization_id_delivery_id_create_idx" ON "webhook_delivery_attempt"("organization_id", "delivery_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_organization_id_created_at_idx" ON "audit_log"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_organization_id_target_id_idx" ON "audit_log"("organization_id", "target_id");

-- CreateIndex
CREATE INDEX "inbound_event_status_received_at_idx" ON "inbound_event"("status", "received_at");

-- CreateIndex
CREATE INDEX "idempotency_record_expires_at_idx" ON "idempotency_record"("expires_at");

-- CreateIndex
CREATE INDEX "broadcast_organization_id_created_at_idx" ON "broadcast"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "broadcast_recipient_organization_id_broadcast_id_status_idx" ON "broadcast_recipient"("organization_id", "broadcast_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "broadcast_recipient_organization_id_broadcast_id_to_key" ON "broadcast_recipient"("organization_id", "broadcast_id", "to");

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
