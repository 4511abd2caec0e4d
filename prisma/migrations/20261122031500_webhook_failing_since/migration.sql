-- AlterTable
ALTER TABLE "webhook_subscription" ADD COLUMN     "failing_since" TIMESTAMPTZ(3);
