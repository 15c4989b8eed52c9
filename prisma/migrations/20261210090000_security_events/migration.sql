-- CreateTable
CREATE TABLE "SecurityEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "kind" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "status" INTEGER,
    "requestId" TEXT,
    "ip" TEXT,
    "details" JSONB,

    CONSTRAINT "SecurityEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SecurityEvent_kind_id_idx" ON "SecurityEvent"("kind", "id");

-- CreateIndex
CREATE INDEX "SecurityEvent_actorId_at_idx" ON "SecurityEvent"("actorId", "at");

