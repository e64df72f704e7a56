-- CreateTable
CREATE TABLE "Node" (
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "schemaVersion" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "heartbeatAt" TIMESTAMPTZ(3) NOT NULL,
    "stoppedAt" TIMESTAMPTZ(3),
    "state" TEXT NOT NULL,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("name")
);
