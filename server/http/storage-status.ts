// tRPC has no 507: a call refused for lack of disk space (INSUFFICIENT_STORAGE) leaves the HTTP layer as
// 507 Insufficient Storage, through the adapter's responseMeta.
import type { TRPCError } from '@trpc/server';
import { easelCodeOf } from '../api/error-map.js';

const INSUFFICIENT_STORAGE_STATUS = 507;

export function insufficientStorageStatus({ errors }: { errors: TRPCError[] }): { status?: number } {
  const storageFull = errors.length > 0 && errors.every((error) => easelCodeOf(error) === 'INSUFFICIENT_STORAGE');
  return storageFull ? { status: INSUFFICIENT_STORAGE_STATUS } : {};
}
