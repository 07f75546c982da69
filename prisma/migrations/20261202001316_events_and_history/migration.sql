-- Pulse events go through an outbox written with the worker type change they announce, and
-- each worker type keeps a bounded history of its launches, launch failures and terminations.
-- CreateTable
CREATE TABLE "EventOutbox" (
    "id" BIGSERIAL NOT NULL,
    "exchange" VARCHAR(64) NOT NULL,
    "workerType" VARCHAR(38) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EventOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HistoryEntry" (
    "id" BIGSERIAL NOT NULL,
    "workerType" VARCHAR(38) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "region" VARCHAR(32) NOT NULL,
    "zone" VARCHAR(32) NOT NULL,
    "instanceType" VARCHAR(64) NOT NULL,
    "market" VARCHAR(16) NOT NULL,
    "instanceId" VARCHAR(32),
    "code" VARCHAR(128),
    "message" TEXT,
    "dedupeKey" VARCHAR(200) NOT NULL,

    CONSTRAINT "HistoryEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HistoryEntry_dedupeKey_key" ON "HistoryEntry"("dedupeKey");

-- CreateIndex
CREATE INDEX "HistoryEntry_workerType_kind_id_idx" ON "HistoryEntry"("workerType", "kind", "id");
