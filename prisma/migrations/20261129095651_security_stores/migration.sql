-- CreateTable
CREATE TABLE "HawkNonce" (
    "keyHash" CHAR(64) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "HawkNonce_pkey" PRIMARY KEY ("keyHash")
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "clientId" TEXT NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("clientId","windowStart")
);

-- CreateIndex
CREATE INDEX "HawkNonce_expiresAt_idx" ON "HawkNonce"("expiresAt");

-- CreateIndex
CREATE INDEX "RateLimit_windowStart_idx" ON "RateLimit"("windowStart");
