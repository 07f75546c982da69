-- Each creation of a worker type is a new generation, and every launch records the generation of
-- the definition it was made for. An instance of an earlier generation belongs to a removed
-- definition, even when one of the same name was created again, and is reaped as a rogue.
ALTER TABLE "WorkerType" ADD COLUMN "generation" TEXT;
UPDATE "WorkerType" SET "generation" = gen_random_uuid()::text;
ALTER TABLE "WorkerType" ALTER COLUMN "generation" SET NOT NULL;
ALTER TABLE "Instance" ADD COLUMN "generation" TEXT;
