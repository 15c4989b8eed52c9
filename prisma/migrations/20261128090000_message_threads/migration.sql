-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "authorId" UUID,
ADD COLUMN     "authorityCode" TEXT,
ADD COLUMN     "onBehalfOfId" UUID,
ADD COLUMN     "permitType" TEXT,
ADD COLUMN     "side" TEXT;

