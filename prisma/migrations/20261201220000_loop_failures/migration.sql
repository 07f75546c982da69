-- A worker type loop whose observation or actions keep failing records why, so `state` and
-- backendStatus show a loop that cannot iterate, until the next good iteration clears it.
ALTER TABLE "WorkerTypeStatus" ADD COLUMN "loopError" TEXT;
ALTER TABLE "WorkerTypeStatus" ADD COLUMN "loopErrorAt" TIMESTAMPTZ(3);
