-- CreateTable
CREATE TABLE "RoomEvent" (
    "id" BIGSERIAL NOT NULL,
    "room" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoomEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RoomEvent_room_seq_key" ON "RoomEvent"("room", "seq");

