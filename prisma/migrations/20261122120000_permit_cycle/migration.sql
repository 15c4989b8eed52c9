-- AlterTable
ALTER TABLE "PermitProject" ADD COLUMN     "adviceAnswers" JSONB,
ADD COLUMN     "adviceResult" JSONB,
ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "draft" JSONB,
ADD COLUMN     "draftCheck" JSONB,
ADD COLUMN     "receiptNumber" TEXT,
ADD COLUMN     "submittedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Permit" ADD COLUMN     "appealEndsAt" TIMESTAMP(3),
ADD COLUMN     "conditions" TEXT,
ADD COLUMN     "documentHash" TEXT,
ADD COLUMN     "draftDecision" TEXT,
ADD COLUMN     "draftReview" JSONB,
ADD COLUMN     "priority" INTEGER,
ADD COLUMN     "procedure" TEXT NOT NULL DEFAULT 'permit',
ADD COLUMN     "receivedAt" TIMESTAMP(3),
ADD COLUMN     "risk" JSONB,
ADD COLUMN     "riskLevel" TEXT,
ADD COLUMN     "riskScore" INTEGER,
ADD COLUMN     "servedAt" TIMESTAMP(3),
ADD COLUMN     "signedAt" TIMESTAMP(3),
ADD COLUMN     "signedBy" TEXT;

-- AlterTable
ALTER TABLE "Step" ADD COLUMN     "forecastEnd" TIMESTAMP(3),
ADD COLUMN     "forecastEndP80" TIMESTAMP(3),
ADD COLUMN     "forecastSource" TEXT;

-- CreateTable
CREATE TABLE "InfoRequest" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "permitType" TEXT NOT NULL,
    "authorityCode" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3),
    "answer" TEXT,
    "answeredAt" TIMESTAMP(3),
    "askedAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "InfoRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "permitType" TEXT NOT NULL,
    "titleFi" TEXT NOT NULL,
    "titleEn" TEXT NOT NULL,
    "textFi" TEXT NOT NULL,
    "textEn" TEXT NOT NULL,
    "area" JSONB NOT NULL,
    "opensAt" TIMESTAMP(3) NOT NULL,
    "closesAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Comment" (
    "id" UUID NOT NULL,
    "noticeId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "authorName" TEXT NOT NULL,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "text" TEXT NOT NULL,
    "replyToId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Meeting" (
    "projectId" UUID NOT NULL,
    "agenda" JSONB NOT NULL,
    "confirmations" JSONB NOT NULL,
    "scheduledAt" TIMESTAMP(3),
    "heldAt" TIMESTAMP(3),
    "minutes" TEXT,

    CONSTRAINT "Meeting_pkey" PRIMARY KEY ("projectId")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "projectId" UUID,
    "recipientKind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ForecastOverride" (
    "id" UUID NOT NULL,
    "permitId" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "days" DOUBLE PRECISION NOT NULL,
    "reason" TEXT NOT NULL,
    "byUser" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ForecastOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProjectViewMark" (
    "projectId" UUID NOT NULL,
    "authorityCode" TEXT NOT NULL,
    "viewedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProjectViewMark_pkey" PRIMARY KEY ("projectId","authorityCode")
);

-- CreateTable
CREATE TABLE "SupervisionStart" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "permitType" TEXT NOT NULL,
    "procedure" TEXT NOT NULL,
    "decision" TEXT,
    "siteId" UUID,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "SupervisionStart_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InfoRequest_idempotencyKey_key" ON "InfoRequest"("idempotencyKey");

-- CreateIndex
CREATE INDEX "InfoRequest_projectId_idx" ON "InfoRequest"("projectId");

-- CreateIndex
CREATE INDEX "Notice_closesAt_idx" ON "Notice"("closesAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_projectId_permitType_key" ON "Notice"("projectId", "permitType");

-- CreateIndex
CREATE UNIQUE INDEX "Comment_idempotencyKey_key" ON "Comment"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Comment_noticeId_createdAt_idx" ON "Comment"("noticeId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_idempotencyKey_key" ON "Message"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Message_projectId_createdAt_idx" ON "Message"("projectId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_idempotencyKey_key" ON "Notification"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Notification_recipientKind_recipient_idx" ON "Notification"("recipientKind", "recipient");

-- CreateIndex
CREATE INDEX "Notification_projectId_idx" ON "Notification"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "ForecastOverride_permitId_step_key" ON "ForecastOverride"("permitId", "step");

-- CreateIndex
CREATE UNIQUE INDEX "SupervisionStart_idempotencyKey_key" ON "SupervisionStart"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "SupervisionStart_projectId_permitType_key" ON "SupervisionStart"("projectId", "permitType");

-- AddForeignKey
ALTER TABLE "InfoRequest" ADD CONSTRAINT "InfoRequest_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "PermitProject"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "PermitProject"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_noticeId_fkey" FOREIGN KEY ("noticeId") REFERENCES "Notice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "PermitProject"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "PermitProject"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForecastOverride" ADD CONSTRAINT "ForecastOverride_permitId_fkey" FOREIGN KEY ("permitId") REFERENCES "Permit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectViewMark" ADD CONSTRAINT "ProjectViewMark_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "PermitProject"("id") ON DELETE CASCADE ON UPDATE CASCADE;

