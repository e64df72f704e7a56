-- AlterTable
ALTER TABLE "Model" ADD COLUMN "memoryBytes" BIGINT;

-- AlterTable
ALTER TABLE "StateTransition" ADD COLUMN "node" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Generation" (
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
    "runMs" INTEGER,
    "imagePath" TEXT,
    "error" TEXT,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "ownerRole" TEXT,
    "ownerId" TEXT,
    "actor" TEXT,
    "node" TEXT,
    "warnings" TEXT
);
INSERT INTO "new_Generation" ("createdAt", "durationMs", "error", "finishedAt", "guidance", "height", "id", "imagePath", "modelId", "negativePrompt", "prompt", "runMs", "sampler", "seed", "startedAt", "status", "steps", "strength", "width") SELECT "createdAt", "durationMs", "error", "finishedAt", "guidance", "height", "id", "imagePath", "modelId", "negativePrompt", "prompt", "runMs", "sampler", "seed", "startedAt", "status", "steps", "strength", "width" FROM "Generation";
DROP TABLE "Generation";
ALTER TABLE "new_Generation" RENAME TO "Generation";
CREATE INDEX "Generation_createdAt_idx" ON "Generation"("createdAt");
CREATE INDEX "Generation_modelId_idx" ON "Generation"("modelId");
CREATE INDEX "Generation_status_idx" ON "Generation"("status");
CREATE INDEX "Generation_ownerId_idx" ON "Generation"("ownerId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
