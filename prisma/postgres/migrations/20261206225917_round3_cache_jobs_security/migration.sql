-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "memoryBytes" BIGINT;

-- AlterTable
ALTER TABLE "StateTransition" ADD COLUMN     "node" TEXT;

-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "actor" TEXT,
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "node" TEXT,
ADD COLUMN     "ownerId" TEXT,
ADD COLUMN     "ownerRole" TEXT,
ADD COLUMN     "warnings" TEXT;

-- CreateIndex
CREATE INDEX "Generation_status_idx" ON "Generation"("status");

-- CreateIndex
CREATE INDEX "Generation_ownerId_idx" ON "Generation"("ownerId");
