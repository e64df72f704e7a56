-- CreateTable
CREATE TABLE "Model" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sampleSize" INTEGER NOT NULL,
    "defaultSampler" TEXT,
    "sizeBytes" BIGINT NOT NULL,
    "description" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastLoadedAt" DATETIME,
    "loadCount" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "StateTransition" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "modelId" TEXT,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "requestId" TEXT,
    "durationMs" BIGINT,
    "error" TEXT,
    "details" TEXT
);

-- CreateTable
CREATE TABLE "Generation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "prompt" TEXT NOT NULL,
    "negativePrompt" TEXT NOT NULL,
    "sampler" TEXT NOT NULL,
    "steps" INTEGER NOT NULL,
    "guidance" REAL NOT NULL,
    "seed" BIGINT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "strength" REAL,
    "modelId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "durationMs" INTEGER,
    "imagePath" TEXT,
    "error" TEXT,
    "startedAt" DATETIME,
    "finishedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "Model_path_key" ON "Model"("path");

-- CreateIndex
CREATE INDEX "StateTransition_at_idx" ON "StateTransition"("at");

-- CreateIndex
CREATE INDEX "StateTransition_modelId_id_idx" ON "StateTransition"("modelId", "id");

-- CreateIndex
CREATE INDEX "StateTransition_reason_idx" ON "StateTransition"("reason");

-- CreateIndex
CREATE INDEX "Generation_createdAt_idx" ON "Generation"("createdAt");

-- CreateIndex
CREATE INDEX "Generation_modelId_idx" ON "Generation"("modelId");
