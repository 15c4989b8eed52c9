-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "meetingUrl" TEXT;

