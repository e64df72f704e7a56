// tRPC initialisation: superjson, errors shaped with an Easel code and a readable message (internal details go
// to the server log, never to the caller), and the procedure bases every router builds on: public (no role),
// user (EASEL_USER_TOKEN or the admin token) and admin (EASEL_ADMIN_TOKEN). Without tokens every caller is
// `local` and passes both.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { EaselError } from '../core/errors.js';
import type { Context } from './context.js';
import { easelCodeOf, readableMessage, toTRPCError } from './error-map.js';
import type { Role } from './identity.js';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Pings keep proxies from closing an idle status stream; the client reconnects when they stop.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error, ctx }) {
    const easelCode = easelCodeOf(error);
    // Raw messages of unexpected errors (Prisma's include source paths and code) stay in the server log.
    const message =
      easelCode === 'INTERNAL'
        ? `Internal server error (request id ${ctx?.requestId ?? 'unknown'}); the server log has the details under that id`
        : readableMessage(error);
    return { ...shape, message, data: { ...shape.data, stack: undefined, easelCode } };
  },
});

export const router = t.router;

/** Every procedure: EaselErrors leave as TRPCErrors with the mapped code. */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof EaselError) throw toTRPCError(result.error.cause);
  return result;
});

const TOKEN_HINT = 'send Authorization: Bearer <EASEL_USER_TOKEN or EASEL_ADMIN_TOKEN>';

function requireRole(allowed: readonly Role[], needed: string) {
  return publicProcedure.use(({ ctx, next }) => {
    if (ctx.role === null) {
      const why = ctx.problem === 'missing' ? 'This server needs a token' : 'The token was not accepted';
      throw new EaselError('UNAUTHORIZED', `${why}: ${TOKEN_HINT}`);
    }
    if (!allowed.includes(ctx.role)) {
      throw new EaselError('FORBIDDEN', `This needs the ${needed} role (Authorization: Bearer <EASEL_ADMIN_TOKEN>); the token sent has the ${ctx.role} role`);
    }
    return next({ ctx: { role: ctx.role, ownerId: ctx.ownerId } });
  });
}

/** Generating, following and cancelling one's own jobs, reading the status and one's own generations. */
export const userProcedure = requireRole(['admin', 'user', 'local'], 'user');

/** The registry, the lifecycle, the audit log and everyone's generations. */
export const adminProcedure = requireRole(['admin', 'local'], 'admin');
