// auth.*: who the caller is, for the web UI's sign-in and for disabling what the role can't use. Open to all:
// it tells an anonymous caller only that a token is needed.
import { publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  whoami: publicProcedure.query(({ ctx }) => ({
    /** admin | user | local (no tokens configured); null: a token is needed and none valid was sent. */
    role: ctx.role,
    /** Whether this server has tokens configured (and so a sign-in). */
    tokensRequired: ctx.services.security.adminToken !== null || ctx.services.security.userToken !== null,
    /** Why role is null: no token sent, or one that matches neither token. */
    problem: ctx.role === null ? ctx.problem : null,
  })),
});
