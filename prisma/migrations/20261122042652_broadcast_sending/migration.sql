-- AlterTable
ALTER TABLE "broadcast" ADD COLUMN     "components" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "status_reason" TEXT,
ADD COLUMN     "template_language" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "template_name" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "broadcast_recipient" ADD COLUMN     "skip_reason" TEXT;
