// Who may see a generation: its owner (the token that asked for it) and admins. To a user, another owner's job
// does not exist (NOT_FOUND), so ids can't be probed.
import { z } from 'zod';
import { EaselError } from '../core/errors.js';
import type { Role } from './identity.js';
import { userProcedure } from './trpc.js';

interface Caller {
  role: Role;
  ownerId: string;
}

/** The owner filter of a list: a user's own generations only; admins and the local user see all. */
export function ownerFilter(caller: Caller): string | undefined {
  return caller.role === 'user' ? caller.ownerId : undefined;
}

function ownerOf(generation: object): string | null {
  return 'ownerId' in generation && typeof generation.ownerId === 'string' ? generation.ownerId : null;
}

/** Returns `generation` when the caller may see it; NOT_FOUND otherwise. */
function visibleTo<T extends { id: string }>(caller: Caller, generation: T): T {
  if (caller.role === 'user' && ownerOf(generation) !== caller.ownerId) {
    throw new EaselError('NOT_FOUND', `No generation with id "${generation.id}" exists`);
  }
  return generation;
}

/** A procedure on one job, `{ id }`, that only its owner (or an admin) reaches. */
export const ownJobProcedure = userProcedure.input(z.object({ id: z.string().uuid('a generation id is a UUID') })).use(async ({ ctx, input, next }) => {
  if (ctx.role === 'user') visibleTo(ctx, await ctx.services.generations.get(input.id));
  return next();
});
