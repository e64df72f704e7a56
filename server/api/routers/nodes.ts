// nodes.*: the GPU servers sharing the database, with their resident models, memory, queue and heartbeat.
import { router, userProcedure } from '../trpc.js';

export const nodesRouter = router({
  /** Every node: name, URL, device, resident models, memory, queue depth, last heartbeat, alive or lost. */
  list: userProcedure.query(({ ctx }) => ctx.services.nodes.list()),
});
