-- AlterTable
ALTER TABLE "message" ADD COLUMN     "fallback" JSONB;
