-- AlterTable
ALTER TABLE "Site" ADD COLUMN     "projectId" UUID,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'active',
ALTER COLUMN "latitude" DROP NOT NULL,
ALTER COLUMN "longitude" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Inspection" ADD COLUMN     "cycleId" UUID,
ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'recurring',
ADD COLUMN     "method" TEXT NOT NULL DEFAULT 'onSite';

-- CreateTable
CREATE TABLE "SupervisionCycle" (
    "id" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "workflowId" TEXT NOT NULL,
    "authorityCode" TEXT NOT NULL,
    "projectId" UUID,
    "permitType" TEXT,
    "phase" TEXT NOT NULL,
    "agenda" JSONB NOT NULL DEFAULT '[]',
    "supervisorName" TEXT NOT NULL,
    "supervisorEmail" TEXT NOT NULL,
    "supervisorPhone" TEXT NOT NULL,
    "riskClass" TEXT,
    "frequencyPerYear" DOUBLE PRECISION,
    "lastInspectionAt" TIMESTAMP(3),
    "nextDueAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "closeReason" TEXT,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "SupervisionCycle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlannedInspection" (
    "id" UUID NOT NULL,
    "cycleId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "reason" JSONB NOT NULL,
    "riskClass" TEXT,
    "frequencyPerYear" DOUBLE PRECISION,
    "supervisorName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'planned',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "PlannedInspection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Finding" (
    "id" UUID NOT NULL,
    "inspectionId" UUID NOT NULL,
    "factorId" TEXT,
    "description" TEXT NOT NULL,
    "grade" TEXT NOT NULL,

    CONSTRAINT "Finding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CorrectiveAction" (
    "id" UUID NOT NULL,
    "cycleId" UUID NOT NULL,
    "findingId" UUID NOT NULL,
    "description" TEXT NOT NULL,
    "deadline" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "reviewNote" TEXT,
    "acceptedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CorrectiveAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Observation" (
    "id" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "cycleId" UUID,
    "kind" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "deviation" BOOLEAN NOT NULL DEFAULT false,
    "nearMiss" BOOLEAN NOT NULL DEFAULT false,
    "observedAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "reporterId" UUID,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "Observation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskModelVersion" (
    "id" UUID NOT NULL,
    "modelId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "sha256" TEXT NOT NULL,
    "storedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RiskModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SiteAssessment" (
    "id" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "cycleId" UUID,
    "modelId" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "assessedAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "targetGroup" TEXT NOT NULL,
    "classified" BOOLEAN NOT NULL,
    "score" DOUBLE PRECISION,
    "riskClass" TEXT,
    "band" TEXT,
    "frequencyPerYear" DOUBLE PRECISION,
    "missing" TEXT[],
    "areaPoints" DOUBLE PRECISION[],
    "input" JSONB NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "SiteAssessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupervisionEvent" (
    "id" BIGSERIAL NOT NULL,
    "cycleId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "actorId" UUID,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "SupervisionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SupervisionCycle_idempotencyKey_key" ON "SupervisionCycle"("idempotencyKey");

-- CreateIndex
CREATE INDEX "SupervisionCycle_siteId_idx" ON "SupervisionCycle"("siteId");

-- CreateIndex
CREATE INDEX "SupervisionCycle_workflowId_idx" ON "SupervisionCycle"("workflowId");

-- CreateIndex
CREATE INDEX "SupervisionCycle_nextDueAt_idx" ON "SupervisionCycle"("nextDueAt");

-- CreateIndex
CREATE UNIQUE INDEX "PlannedInspection_idempotencyKey_key" ON "PlannedInspection"("idempotencyKey");

-- CreateIndex
CREATE INDEX "PlannedInspection_cycleId_status_idx" ON "PlannedInspection"("cycleId", "status");

-- CreateIndex
CREATE INDEX "PlannedInspection_status_dueAt_idx" ON "PlannedInspection"("status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "CorrectiveAction_findingId_key" ON "CorrectiveAction"("findingId");

-- CreateIndex
CREATE INDEX "CorrectiveAction_cycleId_status_idx" ON "CorrectiveAction"("cycleId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Observation_idempotencyKey_key" ON "Observation"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Observation_siteId_kind_observedAt_idx" ON "Observation"("siteId", "kind", "observedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RiskModelVersion_modelId_version_key" ON "RiskModelVersion"("modelId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "SiteAssessment_idempotencyKey_key" ON "SiteAssessment"("idempotencyKey");

-- CreateIndex
CREATE INDEX "SiteAssessment_modelId_targetGroup_idx" ON "SiteAssessment"("modelId", "targetGroup");

-- CreateIndex
CREATE INDEX "SiteAssessment_assessedAt_idx" ON "SiteAssessment"("assessedAt");

-- CreateIndex
CREATE UNIQUE INDEX "SupervisionEvent_idempotencyKey_key" ON "SupervisionEvent"("idempotencyKey");

-- CreateIndex
CREATE INDEX "SupervisionEvent_cycleId_id_idx" ON "SupervisionEvent"("cycleId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Inspection_idempotencyKey_key" ON "Inspection"("idempotencyKey");

-- AddForeignKey
ALTER TABLE "SupervisionCycle" ADD CONSTRAINT "SupervisionCycle_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlannedInspection" ADD CONSTRAINT "PlannedInspection_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "SupervisionCycle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_inspectionId_fkey" FOREIGN KEY ("inspectionId") REFERENCES "Inspection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CorrectiveAction" ADD CONSTRAINT "CorrectiveAction_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "SupervisionCycle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CorrectiveAction" ADD CONSTRAINT "CorrectiveAction_findingId_fkey" FOREIGN KEY ("findingId") REFERENCES "Finding"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Observation" ADD CONSTRAINT "Observation_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SiteAssessment" ADD CONSTRAINT "SiteAssessment_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupervisionEvent" ADD CONSTRAINT "SupervisionEvent_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "SupervisionCycle"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Reports take the latest assessment of each site in a time window from this index alone
-- (an index-only scan). The Prisma schema language cannot declare INCLUDE columns.
CREATE INDEX "SiteAssessment_latest_idx" ON "SiteAssessment"("siteId", "assessedAt" DESC)
  INCLUDE ("modelId", "modelVersion", "targetGroup", "classified", "score", "riskClass", "frequencyPerYear", "areaPoints");
