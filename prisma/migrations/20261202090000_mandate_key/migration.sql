-- AlterTable
ALTER TABLE "Mandate" ADD COLUMN     "idempotencyKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Mandate_idempotencyKey_key" ON "Mandate"("idempotencyKey");

