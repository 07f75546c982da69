-- An instance is registered when its one-time secret is claimed (getSecret) or when it calls
-- instanceStarted (real workers only do the first). The column keeps its values.
ALTER TABLE "Instance" RENAME COLUMN "started" TO "registered";
ALTER TABLE "Instance" ADD COLUMN "registeredBy" VARCHAR(16);
UPDATE "Instance" SET "registeredBy" = 'instanceStarted' WHERE "registered" IS NOT NULL;

-- A launch's secret names the ledger row it was created for, so getSecret can register that
-- instance in the statement that deletes the secret. Null for secrets made with createSecret.
ALTER TABLE "Secret" ADD COLUMN "launchClientToken" VARCHAR(64);
CREATE UNIQUE INDEX "Secret_launchClientToken_key" ON "Secret"("launchClientToken");
