import type { z } from 'zod';
import {
  checkinOpenedV1,
  meetingPublicV1,
  pulseResponseRecordedV1,
  questionAnsweredV1,
  questionAnsweredV2,
  questionAnsweredV3,
  questionCreatedV1,
  questionCreatedV2,
  questionEditedV1,
  questionFrozenV1,
  questionFrozenV2,
  questionHiddenV1,
  questionPendingV1,
  questionPendingV2,
  questionPinnedV1,
  questionPinnedV2,
  questionRemovedV1,
  questionRemovedV2,
  questionReopenedV1,
  questionRestoredV1,
  questionTaggedV1,
  questionTaggedV2,
  questionUntaggedV1,
  questionUntaggedV2,
  questionUpvotedV1,
  questionUpvotedV2,
  tenantUpdatedV1,
  tenantUpdatedV2,
  tenantUpdatedV3,
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

/**
 * A family whose version 2 is version 1 plus the meeting: older subscribers get the payload without it.
 * The `as` restores the pairing of the payload with the rest that the spread loses.
 */
function withMeeting<V1 extends z.ZodObject, V2 extends z.ZodType<z.infer<V1> & { meetingId: string }>>(
  v1: V1,
  v2: V2,
) {
  return family({
    versions: { 1: v1, 2: v2 },
    latest: 2,
    downgrade: {
      1: ({ meetingId: _meetingId, ...rest }: z.infer<V2>) => rest as z.infer<V1>,
      2: (payload: z.infer<V2>) => payload,
    },
  });
}

export const eventCatalog = {
  'question:created': withMeeting(questionCreatedV1, questionCreatedV2),
  'question:upvoted': withMeeting(questionUpvotedV1, questionUpvotedV2),
  'question:answered': family({
    versions: { 1: questionAnsweredV1, 2: questionAnsweredV2, 3: questionAnsweredV3 },
    latest: 3,
    downgrade: {
      1: ({ id, status, responseText }) => ({ id, status, responseText: responseText ?? '' }),
      2: ({ meetingId: _meetingId, ...rest }) => ({ ...rest, responseText: rest.responseText ?? '' }),
      3: (payload) => payload,
    },
  }),
  'question:tagged': withMeeting(questionTaggedV1, questionTaggedV2),
  'question:untagged': withMeeting(questionUntaggedV1, questionUntaggedV2),
  'question:pinned': withMeeting(questionPinnedV1, questionPinnedV2),
  'question:frozen': withMeeting(questionFrozenV1, questionFrozenV2),
  'question:removed': withMeeting(questionRemovedV1, questionRemovedV2),
  'question:pending': withMeeting(questionPendingV1, questionPendingV2),
  'question:edited': singleVersion(questionEditedV1),
  'question:hidden': singleVersion(questionHiddenV1),
  'question:restored': singleVersion(questionRestoredV1),
  'question:reopened': singleVersion(questionReopenedV1),
  'tenant:updated': family({
    versions: { 1: tenantUpdatedV1, 2: tenantUpdatedV2, 3: tenantUpdatedV3 },
    latest: 3,
    downgrade: {
      1: ({
        name,
        settings: {
          submitLimitPerMinute: _submit,
          upvoteLimitPerMinute: _upvote,
          defaultLanguage: _language,
          ...settings
        },
      }) => ({
        name,
        settings,
      }),
      2: ({ name, settings: { defaultLanguage: _language, ...settings } }) => ({ name, settings }),
      3: (payload) => payload,
    },
  }),
  'meeting:created': singleVersion(meetingPublicV1),
  'meeting:updated': singleVersion(meetingPublicV1),
  'meeting:opened': singleVersion(meetingPublicV1),
  'meeting:closed': singleVersion(meetingPublicV1),
  'meeting:deleted': singleVersion(meetingPublicV1),
  'pulse.response.recorded': singleVersion(pulseResponseRecordedV1),
  'checkin:opened': singleVersion(checkinOpenedV1),
} as const;

/** The meeting an event belongs to, or null for tenant-wide events (which every meeting's stream gets). */
export function meetingOf(event: LatestEvent): string | null {
  if (event.type.startsWith('meeting:')) return (event.data as { id: string }).id;
  return 'meetingId' in event.data ? event.data.meetingId : null;
}

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
