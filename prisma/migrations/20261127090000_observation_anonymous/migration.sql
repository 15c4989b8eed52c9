-- AlterTable
ALTER TABLE "Observation" ADD COLUMN     "anonymous" BOOLEAN NOT NULL DEFAULT true;
