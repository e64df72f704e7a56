// storage.*: disk use of the images folder (its size, free space, the threshold and the retention in force).
import { router, userProcedure } from '../trpc.js';

export const storageRouter = router({
  usage: userProcedure.query(({ ctx }) => ctx.services.storage.usage()),
});
