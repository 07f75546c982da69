-- On-demand list prices per region and instance type, from the AWS Price List Query API,
-- with when they were fetched (the static list of us-east-1 prices is gone).
-- CreateTable
CREATE TABLE "OnDemandPrice" (
    "region" VARCHAR(32) NOT NULL,
    "instanceType" VARCHAR(64) NOT NULL,
    "usdPerHour" DOUBLE PRECISION NOT NULL,
    "fetchedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OnDemandPrice_pkey" PRIMARY KEY ("region","instanceType")
);
