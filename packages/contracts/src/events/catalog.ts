import type { z } from 'zod';
import {
  questionAnsweredV1,
  questionAnsweredV2,
  questionCreatedV1,
  questionFrozenV1,
  questionPendingV1,
  questionPinnedV1,
  questionRemovedV1,
  questionTaggedV1,
  questionUntaggedV1,
  questionUpvotedV1,
  tenantUpdatedV1,
} from './payloads.js';

type Versions = Readonly<Record<number, z.ZodType>>;

/**
 * One persisted event family. `versions` holds every published schema: a published schema never
 * changes, a new field means a new version. The outbox stores the `latest` payload and `downgrade`
 * turns it into each version's payload for the subscribers that asked for that version.
 */
export interface EventFamily<V extends Versions = Versions, L extends keyof V = keyof V> {
  readonly versions: V;
  readonly latest: L;
  readonly downgrade: { readonly [K in keyof V]: (latest: z.infer<V[L]>) => z.infer<V[K]> };
}

function family<V extends Versions, L extends keyof V>(definition: EventFamily<V, L>): EventFamily<V, L> {
  return definition;
}

function singleVersion<S extends z.ZodType>(schema: S) {
  return family({ versions: { 1: schema }, latest: 1, downgrade: { 1: (payload: z.infer<S>) => payload } });
}

export const eventCatalog = {
  'question:created': singleVersion(questionCreatedV1),
  'question:upvoted': singleVersion(questionUpvotedV1),
  'question:answered': family({
    versions: { 1: questionAnsweredV1, 2: questionAnsweredV2 },
    latest: 2,
    downgrade: {
      1: ({ id, status, responseText }) => ({ id, status, responseText }),
      2: (payload) => payload,
    },
  }),
  'question:tagged': singleVersion(questionTaggedV1),
  'question:untagged': singleVersion(questionUntaggedV1),
  'question:pinned': singleVersion(questionPinnedV1),
  'question:frozen': singleVersion(questionFrozenV1),
  'question:removed': singleVersion(questionRemovedV1),
  'question:pending': singleVersion(questionPendingV1),
  'tenant:updated': singleVersion(tenantUpdatedV1),
} as const;

export type EventCatalog = typeof eventCatalog;
export type EventType = keyof EventCatalog;
export const EVENT_TYPES = Object.keys(eventCatalog) as EventType[];

type FamilyOf<T extends EventType> = EventCatalog[T];
export type EventVersion<T extends EventType> = keyof FamilyOf<T>['versions'] & number;
export type LatestVersion<T extends EventType> = FamilyOf<T>['latest'];
export type EventPayload<T extends EventType, V extends EventVersion<T> = 1> = z.infer<
  FamilyOf<T>['versions'][V]
>;
export type LatestPayload<T extends EventType> = z.infer<
  FamilyOf<T>['versions'][LatestVersion<T> & keyof FamilyOf<T>['versions']]
>;

/** The newest payload of one event family, as the outbox stores it. */
export type LatestEvent = { [T in EventType]: { type: T; data: LatestPayload<T> } }[EventType];
