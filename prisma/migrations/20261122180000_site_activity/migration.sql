-- AlterTable
ALTER TABLE "Site" ADD COLUMN     "activity" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "riskModel" TEXT NOT NULL DEFAULT 'food-2008';

