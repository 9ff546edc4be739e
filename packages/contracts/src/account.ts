import { z } from 'zod';
import { isoDateTime, uuid } from './primitives.js';

/** One signed-in browser of the caller, named by an id that is safe to show (never the token or its hash). */
export const accountSession = z.object({
  id: uuid,
  /** A readable guess from the browser's user agent, e.g. "Chrome on macOS". */
  device: z.string(),
  /** The session this request was made with. */
  current: z.boolean(),
  createdAt: isoDateTime,
  /** Recorded every few minutes at most, so it is approximate. */
  lastUsedAt: isoDateTime,
});
export type AccountSession = z.infer<typeof accountSession>;

export const endSessionInput = z.strictObject({ sessionId: uuid });

/** `current`: the caller ended the session it was signed in with, and is signed out now. */
export const endedSession = z.object({ sessionId: uuid, current: z.boolean() });

export const signedOutEverywhere = z.object({ sessionsEnded: z.number().int().nonnegative() });

/** How many guests a tenant's admin removed at once. */
export const removedGuests = z.object({ removed: z.number().int().nonnegative() });
