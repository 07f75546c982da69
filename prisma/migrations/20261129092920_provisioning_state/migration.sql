-- CreateTable
CREATE TABLE "SpotPrice" (
    "region" VARCHAR(32) NOT NULL,
    "zone" VARCHAR(32) NOT NULL,
    "instanceType" VARCHAR(64) NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "fetchedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SpotPrice_pkey" PRIMARY KEY ("region","zone","instanceType")
);

-- CreateTable
CREATE TABLE "RegionStatus" (
    "region" VARCHAR(32) NOT NULL,
    "zones" TEXT[],
    "lastAttemptAt" TIMESTAMPTZ(3),
    "lastSuccessAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "pricesRefreshedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RegionStatus_pkey" PRIMARY KEY ("region")
);

-- CreateTable
CREATE TABLE "WorkerTypeStatus" (
    "workerType" VARCHAR(38) NOT NULL,
    "iteration" INTEGER NOT NULL,
    "lastIterationAt" TIMESTAMPTZ(3) NOT NULL,
    "pendingTasks" INTEGER,
    "queueError" TEXT,
    "report" JSONB NOT NULL,
    "lastLaunchError" TEXT,
    "lastErrorAt" TIMESTAMPTZ(3),

    CONSTRAINT "WorkerTypeStatus_pkey" PRIMARY KEY ("workerType")
);
