-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "industry" TEXT,
ADD COLUMN     "sizeClass" TEXT;

-- AlterTable
ALTER TABLE "Permit" ADD COLUMN     "externalCaseNumber" TEXT;

-- CreateTable
CREATE TABLE "ChatConversation" (
    "id" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "organisationId" UUID,
    "projectId" UUID,
    "topic" TEXT NOT NULL,
    "page" TEXT NOT NULL DEFAULT '',
    "handledBy" TEXT NOT NULL DEFAULT 'serviceDesk',
    "authorityCode" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "ChatConversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatMessage" (
    "id" UUID NOT NULL,
    "conversationId" UUID NOT NULL,
    "authorId" UUID,
    "authorName" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "ChatMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoredAnswer" (
    "id" UUID NOT NULL,
    "lang" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "industry" TEXT,
    "permitTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "authorityCode" TEXT,
    "sourceMessageId" UUID,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StoredAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Solution" (
    "id" UUID NOT NULL,
    "permitType" TEXT NOT NULL,
    "authorityCode" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "industry" TEXT,
    "summaryFi" TEXT NOT NULL,
    "summaryEn" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "conditions" TEXT NOT NULL DEFAULT '',
    "decidedAt" TIMESTAMP(3) NOT NULL,
    "sourcePermitId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Solution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Guide" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "permitTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "industries" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "companySizes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "eventSizes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "titleFi" TEXT NOT NULL,
    "titleEn" TEXT NOT NULL,
    "bodyFi" TEXT NOT NULL,
    "bodyEn" TEXT NOT NULL,
    "authorityCode" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedById" UUID,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Guide_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SearchDocument" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "refId" TEXT NOT NULL,
    "lang" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "permitTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "authorityCode" TEXT,
    "region" TEXT,
    "industry" TEXT,
    "audience" TEXT NOT NULL DEFAULT 'public',
    "tsv" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(CASE WHEN "lang" = 'fi' THEN 'finnish'::regconfig ELSE 'english'::regconfig END, coalesce("title", '')), 'A') ||
        setweight(to_tsvector(CASE WHEN "lang" = 'fi' THEN 'finnish'::regconfig ELSE 'english'::regconfig END, coalesce("body", '')), 'B')
    ) STORED,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SearchDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Venue" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "descriptionFi" TEXT NOT NULL,
    "descriptionEn" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "municipality" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "capacity" INTEGER NOT NULL,
    "rentPerDayCents" INTEGER NOT NULL,
    "technical" JSONB NOT NULL,
    "ownerName" TEXT NOT NULL,
    "contactEmail" TEXT NOT NULL,
    "holdDays" INTEGER NOT NULL DEFAULT 14,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Venue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VenueReservation" (
    "id" UUID NOT NULL,
    "venueId" UUID NOT NULL,
    "date" DATE NOT NULL,
    "organisationId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "projectId" UUID,
    "status" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "holdUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "VenueReservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invoice" (
    "id" UUID NOT NULL,
    "seq" SERIAL NOT NULL,
    "number" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "organisationId" UUID NOT NULL,
    "projectId" UUID,
    "siteId" UUID,
    "permitType" TEXT,
    "authorityCode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "lines" JSONB NOT NULL,
    "netCents" INTEGER NOT NULL,
    "vatCents" INTEGER NOT NULL,
    "totalCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "paidAt" TIMESTAMP(3),
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Payment" (
    "id" UUID NOT NULL,
    "invoiceId" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "stamp" TEXT NOT NULL,
    "transactionId" TEXT,
    "amountCents" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'new',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "paidAt" TIMESTAMP(3),

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaymentCallback" (
    "id" BIGSERIAL NOT NULL,
    "paymentId" UUID,
    "provider" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verified" BOOLEAN NOT NULL,
    "status" TEXT,
    "params" JSONB NOT NULL,

    CONSTRAINT "PaymentCallback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ArchivePackage" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "workflowId" TEXT NOT NULL,
    "organisationId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "municipality" TEXT NOT NULL DEFAULT '',
    "authorityCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "permitTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "closedAt" TIMESTAMP(3) NOT NULL,
    "archivedAt" TIMESTAMP(3) NOT NULL,
    "storageKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "manifest" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'archived',

    CONSTRAINT "ArchivePackage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ArchiveRecord" (
    "id" UUID NOT NULL,
    "packageId" UUID NOT NULL,
    "recordType" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "retainUntil" TIMESTAMP(3),
    "disposal" TEXT NOT NULL,
    "disposedAt" TIMESTAMP(3),

    CONSTRAINT "ArchiveRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthorityConnection" (
    "authorityId" UUID NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'portal',
    "webhookUrl" TEXT,
    "secret" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthorityConnection_pkey" PRIMARY KEY ("authorityId")
);

-- CreateTable
CREATE TABLE "BridgeEvent" (
    "id" UUID NOT NULL,
    "authorityId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "permitType" TEXT,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "externalCaseNumber" TEXT,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "BridgeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BridgeInbound" (
    "id" TEXT NOT NULL,
    "authorityId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB,

    CONSTRAINT "BridgeInbound_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ChatConversation_idempotencyKey_key" ON "ChatConversation"("idempotencyKey");

-- CreateIndex
CREATE INDEX "ChatConversation_customerId_updatedAt_idx" ON "ChatConversation"("customerId", "updatedAt");

-- CreateIndex
CREATE INDEX "ChatConversation_projectId_idx" ON "ChatConversation"("projectId");

-- CreateIndex
CREATE INDEX "ChatConversation_handledBy_authorityCode_status_idx" ON "ChatConversation"("handledBy", "authorityCode", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ChatMessage_idempotencyKey_key" ON "ChatMessage"("idempotencyKey");

-- CreateIndex
CREATE INDEX "ChatMessage_conversationId_createdAt_idx" ON "ChatMessage"("conversationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "StoredAnswer_sourceMessageId_key" ON "StoredAnswer"("sourceMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "Solution_sourcePermitId_key" ON "Solution"("sourcePermitId");

-- CreateIndex
CREATE UNIQUE INDEX "Guide_slug_key" ON "Guide"("slug");

-- CreateIndex
CREATE INDEX "SearchDocument_kind_refId_idx" ON "SearchDocument"("kind", "refId");

-- CreateIndex
CREATE UNIQUE INDEX "VenueReservation_idempotencyKey_key" ON "VenueReservation"("idempotencyKey");

-- CreateIndex
CREATE INDEX "VenueReservation_venueId_date_idx" ON "VenueReservation"("venueId", "date");

-- CreateIndex
CREATE INDEX "VenueReservation_organisationId_idx" ON "VenueReservation"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "VenueReservation_venueId_date_position_key" ON "VenueReservation"("venueId", "date", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_seq_key" ON "Invoice"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_number_key" ON "Invoice"("number");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_reference_key" ON "Invoice"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_idempotencyKey_key" ON "Invoice"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Invoice_organisationId_issuedAt_idx" ON "Invoice"("organisationId", "issuedAt");

-- CreateIndex
CREATE INDEX "Invoice_projectId_idx" ON "Invoice"("projectId");

-- CreateIndex
CREATE INDEX "Invoice_authorityCode_status_idx" ON "Invoice"("authorityCode", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_stamp_key" ON "Payment"("stamp");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_transactionId_key" ON "Payment"("transactionId");

-- CreateIndex
CREATE INDEX "Payment_invoiceId_idx" ON "Payment"("invoiceId");

-- CreateIndex
CREATE INDEX "PaymentCallback_paymentId_idx" ON "PaymentCallback"("paymentId");

-- CreateIndex
CREATE UNIQUE INDEX "ArchivePackage_projectId_key" ON "ArchivePackage"("projectId");

-- CreateIndex
CREATE INDEX "ArchivePackage_organisationId_idx" ON "ArchivePackage"("organisationId");

-- CreateIndex
CREATE INDEX "ArchiveRecord_retainUntil_idx" ON "ArchiveRecord"("retainUntil");

-- CreateIndex
CREATE UNIQUE INDEX "ArchiveRecord_packageId_recordType_key" ON "ArchiveRecord"("packageId", "recordType");

-- CreateIndex
CREATE UNIQUE INDEX "BridgeEvent_idempotencyKey_key" ON "BridgeEvent"("idempotencyKey");

-- CreateIndex
CREATE INDEX "BridgeEvent_authorityId_createdAt_idx" ON "BridgeEvent"("authorityId", "createdAt");

-- CreateIndex
CREATE INDEX "BridgeEvent_status_idx" ON "BridgeEvent"("status");

-- AddForeignKey
ALTER TABLE "ChatMessage" ADD CONSTRAINT "ChatMessage_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "ChatConversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VenueReservation" ADD CONSTRAINT "VenueReservation_venueId_fkey" FOREIGN KEY ("venueId") REFERENCES "Venue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentCallback" ADD CONSTRAINT "PaymentCallback_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArchiveRecord" ADD CONSTRAINT "ArchiveRecord_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "ArchivePackage"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Full-text search over the knowledge documents (F02).
CREATE INDEX "SearchDocument_tsv_idx" ON "SearchDocument" USING GIN ("tsv");
