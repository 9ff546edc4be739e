/** Questions, cached lists and events for the live-cache tests, each validated against the contracts. */
import { randomUUID } from 'node:crypto';
import {
  type OwnQuestion,
  ownQuestion as ownQuestionSchema,
  type Question,
  question as questionSchema,
  type StreamEvent,
  streamEventSchema,
} from '@pulsestage/contracts';
import type { Pages } from './question-lists';

const TENANT_ID = randomUUID();
/** The meeting every test question is in. */
export const MEETING_ID = randomUUID();
export const NOW = Date.parse('2025-03-10T12:00:00.000Z');

/** A question as the server lists it. */
export function makeQuestion(overrides: Partial<Question> = {}): Question {
  return questionSchema.parse({
    id: randomUUID(),
    meetingId: MEETING_ID,
    body: 'How do we ship faster?',
    teamId: null,
    status: 'OPEN',
    upvoteCount: 0,
    submittedAt: '2025-03-10T11:00:00.000Z',
    responseText: null,
    answeredAt: null,
    pinned: false,
    pinnedAt: null,
    tags: [],
    upvotedByMe: false,
    mine: false,
    hidden: false,
    editedAt: null,
    ...overrides,
  });
}

/** A question as the caller's own list holds it. */
export function makeOwnQuestion(overrides: Partial<OwnQuestion> = {}): OwnQuestion {
  return ownQuestionSchema.parse({
    ...makeQuestion(),
    mine: true,
    rejectedAt: null,
    notifyWhenAnswered: false,
    mergedAt: null,
    mergedInto: null,
    ...overrides,
  });
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * A cached infinite list, one array per loaded page. It is frozen, so any rule that mutates the
 * cache instead of copying it throws.
 */
export function makePages(...pageItems: Question[][]): Pages {
  return deepFreeze({
    pages: pageItems.map((items, index) => ({
      items,
      nextCursor: index < pageItems.length - 1 ? `cursor-${index + 1}` : null,
      sequence: 0,
    })),
    pageParams: pageItems.map((_, index) => (index === 0 ? null : `cursor-${index}`)),
  });
}

type EventOf<T extends StreamEvent['type']> = Extract<StreamEvent, { type: T }>;

/** An event envelope, as the published wire schemas allow it. */
export function makeEvent<T extends StreamEvent['type']>(
  type: T,
  data: EventOf<T>['data'],
  timestamp = NOW,
): EventOf<T> {
  return deepFreeze(streamEventSchema.parse({ type, tenantId: TENANT_ID, data, timestamp }) as EventOf<T>);
}
