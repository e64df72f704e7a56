// tRPC initialisation: superjson, errors shaped with an Easel code and a readable message, and the procedure
// bases (public and admin) every router builds on.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { EaselError } from '../core/errors.js';
import type { Context } from './context.js';
import { easelCodeOf, readableMessage, toTRPCError } from './error-map.js';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Pings keep proxies from closing an idle status stream; the client reconnects when they stop.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      message: readableMessage(error),
      data: { ...shape.data, stack: undefined, easelCode: easelCodeOf(error) },
    };
  },
});

export const router = t.router;

/** Every procedure: EaselErrors leave as TRPCErrors with the mapped code. */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof EaselError) throw toTRPCError(result.error.cause);
  return result;
});

/** Admin views require EASEL_ADMIN_TOKEN as a bearer token when the server has one. */
export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.isAdmin) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This needs the admin token (Authorization: Bearer <EASEL_ADMIN_TOKEN>)' });
  }
  return next();
});
