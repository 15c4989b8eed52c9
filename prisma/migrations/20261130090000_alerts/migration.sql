-- CreateTable
CREATE TABLE "AlertPreference" (
    "userId" UUID NOT NULL,
    "email" BOOLEAN NOT NULL DEFAULT true,
    "digest" TEXT NOT NULL DEFAULT 'immediate',
    "mutedKinds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "lastDigestAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertPreference_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "notificationId" UUID,
    "projectId" UUID,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "readAt" TIMESTAMP(3),
    "emailState" TEXT NOT NULL DEFAULT 'none',
    "emailClaimedAt" TIMESTAMP(3),
    "emailedAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Alert_userId_createdAt_idx" ON "Alert"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "Alert_emailState_idx" ON "Alert"("emailState");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_notificationId_userId_key" ON "Alert"("notificationId", "userId");

