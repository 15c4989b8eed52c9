-- CreateTable
CREATE TABLE "AreaSubscription" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "area" JSONB NOT NULL,
    "kinds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AreaSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AreaSubscription_userId_idx" ON "AreaSubscription"("userId");

