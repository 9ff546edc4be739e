import type { EventPayload, EventType, EventVersion } from './catalog.js';
import type { MeetingPresenceEvent } from './wire.js';

type UpvotedPayload = EventPayload<'question:upvoted', EventVersion<'question:upvoted'>>;

/**
 * The event families whose newest event fully replaces every older one with the same key: of several
 * still waiting to be written to a subscriber, only the newest goes out, with its own (newest) id, and the
 * subscriber ends in the same state. A family belongs here only if its payload is the whole state of what
 * the key names: a count does; a change such as a tag added or an answer given does not.
 */
const CONFLATED_FAMILIES = {
  'question:upvoted': (data: UpvotedPayload) => data.questionId,
  'meeting:presence': (data: MeetingPresenceEvent['data']) => data.meetingId,
} as const;

type ConflatedFamily = keyof typeof CONFLATED_FAMILIES;

function isConflated(family: string): family is ConflatedFamily {
  return Object.hasOwn(CONFLATED_FAMILIES, family);
}

/** The key under which an event of `family` (any version) replaces older ones; undefined if it never does. */
export function conflationKey(family: EventType | string, data: unknown): string | undefined {
  if (!isConflated(family)) return undefined;
  const keyOf = CONFLATED_FAMILIES[family] as (data: unknown) => string;
  return `${family}|${keyOf(data)}`;
}

const VERSION_SUFFIX = /\.v\d+$/;

/** The conflation key of an event as a stream carries it (`question:upvoted`, `meeting:presence.v1`, …). */
export function streamConflationKey(event: { type: string; data: unknown }): string | undefined {
  return conflationKey(event.type.replace(VERSION_SUFFIX, ''), event.data);
}

/**
 * Keeps only the newest item of each key, in order; items without a key all stay. Returns `items`
 * itself when nothing is superseded.
 */
export function conflate<T>(items: readonly T[], keyOf: (item: T) => string | undefined): readonly T[] {
  const keys = items.map(keyOf);
  const newest = new Map<string, number>();
  let keyed = 0;
  keys.forEach((key, index) => {
    if (key === undefined) return;
    newest.set(key, index);
    keyed += 1;
  });
  if (newest.size === keyed) return items;
  return items.filter((_, index) => {
    const key = keys[index];
    return key === undefined || newest.get(key) === index;
  });
}

/**
 * Appends `item` to a queue not yet handed on, first removing the queued item it supersedes, if any.
 * Returns whether one was removed.
 */
export function enqueueConflated<T>(queue: T[], item: T, keyOf: (item: T) => string | undefined): boolean {
  const key = keyOf(item);
  const index = key === undefined ? -1 : queue.findIndex((queued) => keyOf(queued) === key);
  if (index >= 0) queue.splice(index, 1);
  queue.push(item);
  return index >= 0;
}
