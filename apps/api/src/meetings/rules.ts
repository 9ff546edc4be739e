import type { MeetingState } from '@pulsestage/contracts';
import { badRequest, preconditionFailed } from '../errors.js';

/** Whether a time has come: both are ISO-8601 UTC text, so they compare as text on both databases. */
export const isDue = (at: string | null, now: string): boolean => at !== null && at <= now;

/** Without `opensAt` a meeting waits for a moderator to open it; a time already come opens it at once. */
export function initialState(opensAt: string | null, now: string): MeetingState {
  return isDue(opensAt, now) ? 'open' : 'scheduled';
}

/** A meeting that would close the moment it is saved is a mistake in the form, not a plan. */
export function checkClosesInFuture(closesAt: string | null, now: string): void {
  if (isDue(closesAt, now)) throw badRequest('closesAt: must be in the future');
}

/** The same check as the input's, on the times as they will be after an update that sends only one. */
export function checkOpensBeforeCloses(opensAt: string | null, closesAt: string | null): void {
  if (opensAt !== null && closesAt !== null && closesAt <= opensAt) {
    throw badRequest('closesAt: must be after opensAt');
  }
}

/** A scheduled meeting opens, and a closed one reopens; an open one cannot open again. */
export function checkCanOpen(state: MeetingState): void {
  if (state === 'open') throw preconditionFailed('The meeting is already open');
}

/** Only an open meeting closes: a scheduled one has not started (delete it instead). */
export function checkCanClose(state: MeetingState): void {
  if (state === 'closed') throw preconditionFailed('The meeting is already closed');
  if (state === 'scheduled') throw preconditionFailed('The meeting is scheduled and has not opened yet');
}

/**
 * When a meeting reopens after its closing time, that time is cleared, or the scheduler would close it
 * again at once.
 */
export function closesAtAfterReopening(closesAt: string | null, now: string): string | null {
  return isDue(closesAt, now) ? null : closesAt;
}

/** Times as the database keeps them: UTC `toISOString()`, whatever offset the caller wrote. */
export function normalizeTime(value: string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
