import { createHash } from 'node:crypto';

/**
 * The cohort a member belongs to: the first 32 bits of the SHA-256 of their user id, modulo the number
 * of cohorts. It needs no stored state, so every instance agrees after every restart, and a
 * cryptographic hash spreads ids (random or not) evenly. Changing the list of cohorts reassigns people.
 */
export function cohortOf(userId: string, cohorts: readonly string[]): string {
  if (cohorts.length === 0) throw new Error('a tenant always has at least one cohort');
  const index = createHash('sha256').update(userId).digest().readUInt32BE(0) % cohorts.length;
  return cohorts[index] as string;
}
