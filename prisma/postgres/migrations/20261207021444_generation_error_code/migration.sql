-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "errorCode" TEXT;
