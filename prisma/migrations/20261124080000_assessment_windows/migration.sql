-- DropIndex
DROP INDEX "SiteAssessment_modelId_targetGroup_idx";

-- DropIndex
DROP INDEX "SiteAssessment_assessedAt_idx";

-- AlterTable
ALTER TABLE "SiteAssessment" ADD COLUMN     "supersededAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "SiteAssessment_siteId_assessedAt_idx" ON "SiteAssessment"("siteId", "assessedAt");


-- Each assessment is current until the next one of the same site: backfill from the stored order.
UPDATE "SiteAssessment" a
SET "supersededAt" = n.next_at
FROM (
  SELECT id, lead("assessedAt") OVER (PARTITION BY "siteId" ORDER BY "assessedAt", id) AS next_at
  FROM "SiteAssessment"
) n
WHERE n.id = a.id AND n.next_at IS NOT NULL;

-- Replaced by the two window indexes below (a report no longer sorts every row per site).
DROP INDEX "SiteAssessment_latest_idx";

-- A report window [from, to] takes the rows with from <= assessedAt <= to < supersededAt
-- (or supersededAt null). The planner scans whichever index gives the shorter range: rows
-- superseded after the window, or rows made inside it. Both cover the report columns so
-- the reports are index-only scans. The Prisma schema language cannot declare INCLUDE columns.
CREATE INDEX "SiteAssessment_window_superseded_idx" ON "SiteAssessment"("supersededAt", "assessedAt")
  INCLUDE ("siteId", "modelId", "modelVersion", "targetGroup", "classified", "score", "riskClass", "frequencyPerYear", "areaPoints");
CREATE INDEX "SiteAssessment_window_assessed_idx" ON "SiteAssessment"("assessedAt", "supersededAt")
  INCLUDE ("siteId", "modelId", "modelVersion", "targetGroup", "classified", "score", "riskClass", "frequencyPerYear", "areaPoints");
