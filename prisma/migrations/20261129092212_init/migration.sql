-- CreateTable
CREATE TABLE "WorkerType" (
    "name" VARCHAR(38) NOT NULL,
    "description" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "minCapacity" INTEGER NOT NULL,
    "maxCapacity" INTEGER NOT NULL,
    "scalingRatio" DOUBLE PRECISION NOT NULL,
    "minPrice" DOUBLE PRECISION NOT NULL,
    "maxPrice" DOUBLE PRECISION NOT NULL,
    "canUseOndemand" BOOLEAN NOT NULL,
    "canUseSpot" BOOLEAN NOT NULL,
    "launchSpec" JSONB NOT NULL,
    "userData" JSONB NOT NULL,
    "secrets" JSONB NOT NULL,
    "scopes" TEXT[],
    "instanceTypes" JSONB NOT NULL,
    "regions" JSONB NOT NULL,
    "availabilityZones" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "lastModified" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerType_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "AmiSet" (
    "id" VARCHAR(38) NOT NULL,
    "amis" JSONB NOT NULL,
    "lastModified" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AmiSet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Secret" (
    "tokenHash" CHAR(64) NOT NULL,
    "workerType" VARCHAR(38) NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "expiration" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Secret_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "Client" (
    "clientId" VARCHAR(128) NOT NULL,
    "accessTokenEncrypted" TEXT NOT NULL,
    "scopes" TEXT[],
    "description" TEXT NOT NULL DEFAULT '',
    "expires" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Client_pkey" PRIMARY KEY ("clientId")
);

-- CreateTable
CREATE TABLE "Instance" (
    "clientToken" VARCHAR(64) NOT NULL,
    "instanceId" VARCHAR(32),
    "workerType" VARCHAR(38) NOT NULL,
    "region" VARCHAR(32) NOT NULL,
    "zone" VARCHAR(32) NOT NULL,
    "instanceType" VARCHAR(64) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "market" VARCHAR(16) NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "imageId" VARCHAR(64),
    "launched" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started" TIMESTAMPTZ(3),
    "lastSeen" TIMESTAMPTZ(3),
    "terminationReason" TEXT,

    CONSTRAINT "Instance_pkey" PRIMARY KEY ("clientToken")
);

-- CreateIndex
CREATE INDEX "Secret_expiration_idx" ON "Secret"("expiration");

-- CreateIndex
CREATE UNIQUE INDEX "Instance_instanceId_key" ON "Instance"("instanceId");

-- CreateIndex
CREATE INDEX "Instance_workerType_state_idx" ON "Instance"("workerType", "state");

-- CreateIndex
CREATE INDEX "Instance_region_state_idx" ON "Instance"("region", "state");
