-- AlterTable
ALTER TABLE "Generation" ADD COLUMN "runMs" INTEGER;
