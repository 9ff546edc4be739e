import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventPayload, type LatestEvent } from './catalog.js';
import { questionAnsweredV1, questionAnsweredV2, questionAnsweredV3 } from './payloads.js';
import {
  isEventType,
  MEETING_PRESENCE,
  publishedSchemas,
  resolveVersions,
  type StreamEvent,
  schemaOf,
  streamEventSchema,
  type TenantEvent,
  toVersion,
  versionSelection,
  versionsOf,
  wireName,
} from './wire.js';

const tenantId = randomUUID();
const questionId = randomUUID();
const teamId = randomUUID();
const timestamp = 1764000000000;

const answeredData: EventPayload<'question:answered', 2> = {
  id: questionId,
  status: 'ANSWERED',
  responseText: 'We ship on Friday.',
  answeredAt: '2025-11-24T16:00:00.000Z',
  teamId,
};
const meetingId = randomUUID();
/** The newest `question:answered` as the outbox stores it: version 3, version 2 plus the meeting. */
const answeredLatest: LatestEvent = { type: 'question:answered', data: { meetingId, ...answeredData } };

describe('wire names', () => {
  it('keeps the bare name for version 1 and appends .vN from version 2', () => {
    expect(wireName('question:answered', 1)).toBe('question:answered');
    expect(wireName('question:answered', 2)).toBe('question:answered.v2');
    expect(wireName('question:created', 3)).toBe('question:created.v3');
    expect(wireName('tenant:updated', 1)).toBe('tenant:updated.v1');
  });

  it('publishes every version of every type plus the control events', () => {
    const withMeeting = [
      'created',
      'upvoted',
      'tagged',
      'untagged',
      'pinned',
      'frozen',
      'removed',
      'pending',
    ];
    const meetingChanges = ['created', 'updated', 'opened', 'closed', 'deleted'];
    expect([...publishedSchemas().keys()].sort()).toEqual(
      [
        'heartbeat',
        'meeting:presence.v1',
        'question:answered',
        'question:answered.v2',
        'question:answered.v3',
        ...withMeeting.flatMap((family) => [`question:${family}`, `question:${family}.v2`]),
        ...['edited', 'hidden', 'restored', 'reopened'].map((family) => `question:${family}.v1`),
        ...meetingChanges.map((change) => `meeting:${change}.v1`),
        'stream:resync',
        'tenant:updated.v1',
        'tenant:updated.v2',
        'tenant:updated.v3',
        'pulse.response.recorded.v1',
        'checkin:opened.v1',
      ].sort(),
    );
  });

  it('knows the event types and their versions', () => {
    expect(isEventType('question:answered')).toBe(true);
    expect(isEventType('question:answered.v2')).toBe(false);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType('stream:resync')).toBe(false);
    expect(versionsOf('question:answered')).toEqual([1, 2, 3]);
    expect(versionsOf('question:created')).toEqual([1, 2]);
    expect(versionsOf('meeting:opened')).toEqual([1]);
    expect(schemaOf('question:answered', 2)).toBe(questionAnsweredV2);
    expect(schemaOf('question:answered', 3)).toBe(questionAnsweredV3);
    expect(schemaOf('question:answered', 4)).toBeUndefined();
  });
});

describe('toVersion', () => {
  it('converts the newest answered payload to exactly the v1 fields', () => {
    const v1 = toVersion(answeredLatest, 1);
    expect(v1).toStrictEqual({ id: questionId, status: 'ANSWERED', responseText: 'We ship on Friday.' });
    expect(questionAnsweredV1.safeParse(v1).success).toBe(true);
  });

  it('converts the newest answered payload to version 2 without the meeting', () => {
    expect(toVersion(answeredLatest, 2)).toStrictEqual(answeredData);
    expect(questionAnsweredV2.safeParse(toVersion(answeredLatest, 2)).success).toBe(true);
  });

  it('passes the newest version through unchanged', () => {
    expect(toVersion(answeredLatest, 3)).toStrictEqual(answeredLatest.data);
    expect(questionAnsweredV3.safeParse(toVersion(answeredLatest, 3)).success).toBe(true);
  });

  it('gives versions 1 and 2 an empty text for an answer given live', () => {
    const live: LatestEvent = {
      type: 'question:answered',
      data: { meetingId, ...answeredData, responseText: null },
    };
    expect(toVersion(live, 1)).toStrictEqual({ id: questionId, status: 'ANSWERED', responseText: '' });
    expect(toVersion(live, 2)).toStrictEqual({ ...answeredData, responseText: '' });
  });

  it('passes single-version families through', () => {
    const event: LatestEvent = { type: 'question:hidden', data: { meetingId, questionId } };
    expect(toVersion(event, 1)).toStrictEqual({ meetingId, questionId });
  });

  it('rejects a version the family does not have, naming it', () => {
    expect(() => toVersion(answeredLatest, 4)).toThrow(RangeError);
    expect(() => toVersion(answeredLatest, 4)).toThrow('question:answered has no version 4');
  });
});

describe('versionSelection', () => {
  it('accepts known types at published versions', () => {
    expect(versionSelection.parse({ 'question:answered': 2 })).toEqual({ 'question:answered': 2 });
    expect(versionSelection.parse({})).toEqual({});
  });

  it('rejects an unknown type, naming it', () => {
    const result = versionSelection.safeParse({ 'question:exploded': 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['question:exploded'],
        message: 'unknown event type "question:exploded"',
      }),
    ]);
  });

  it('rejects a wire name used as a type', () => {
    const result = versionSelection.safeParse({ 'question:answered.v2': 2 });
    expect(result.error?.issues[0]?.message).toContain('question:answered.v2');
  });

  it('rejects an unknown version, naming the type, the versions and the request', () => {
    const result = versionSelection.safeParse({ 'question:answered': 4 });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['question:answered'],
        message: 'question:answered has versions 1, 2, 3, not 4',
      }),
    ]);
    expect(versionSelection.safeParse({ 'question:created': 3 }).error?.issues[0]?.message).toBe(
      'question:created has versions 1, 2, not 3',
    );
  });

  it('rejects versions that are not positive integers', () => {
    for (const version of [0, -1, 1.5, '2']) {
      expect(versionSelection.safeParse({ 'question:answered': version }).success, String(version)).toBe(
        false,
      );
    }
  });
});

describe('resolveVersions', () => {
  it('defaults every type to version 1', () => {
    const resolved = resolveVersions();
    expect(Object.keys(resolved).sort()).toEqual([...EVENT_TYPES].sort());
    expect(Object.values(resolved).every((v) => v === 1)).toBe(true);
  });

  it('keeps what was asked for and defaults the rest', () => {
    const resolved = resolveVersions({ 'question:answered': 2 });
    expect(resolved['question:answered']).toBe(2);
    expect(resolved['question:created']).toBe(1);
    expect(resolved['question:pending']).toBe(1);
  });
});

describe('streamEventSchema', () => {
  const created: TenantEvent = {
    type: 'question:created',
    tenantId,
    timestamp,
    data: {
      id: questionId,
      body: 'When is the next release?',
      teamId: null,
      status: 'OPEN',
      upvoteCount: 0,
      submittedAt: '2025-11-24T15:59:00.000+01:00',
    },
  };
  const answered: TenantEvent = {
    type: 'question:answered.v2',
    tenantId,
    timestamp,
    data: answeredData,
  };
  const resync: StreamEvent = { type: 'stream:resync', tenantId, timestamp, data: { reason: 'too old' } };

  it('accepts valid envelopes for question:created, question:answered.v2 and stream:resync', () => {
    for (const event of [created, answered, resync]) {
      expect(streamEventSchema.parse(event), event.type).toStrictEqual(event);
    }
  });

  it('accepts a v1 answered envelope with exactly the v1 fields', () => {
    const event = { type: 'question:answered', tenantId, timestamp, data: toVersion(answeredLatest, 1) };
    expect(streamEventSchema.safeParse(event).success).toBe(true);
  });

  it('rejects a v1 answered envelope carrying answeredAt (strict)', () => {
    const event = { type: 'question:answered', tenantId, timestamp, data: answeredData };
    const result = streamEventSchema.safeParse(event);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('answeredAt');
  });

  it('rejects a v2 answered envelope missing answeredAt', () => {
    const event = { type: 'question:answered.v2', tenantId, timestamp, data: toVersion(answeredLatest, 1) };
    expect(streamEventSchema.safeParse(event).success).toBe(false);
  });

  it('accepts meeting presence, which a stream with a meeting filter yields without id', () => {
    const presence: StreamEvent = {
      type: MEETING_PRESENCE,
      tenantId,
      timestamp,
      data: { meetingId, watching: 3 },
    };
    expect(streamEventSchema.parse(presence)).toStrictEqual(presence);
    const negative = { ...presence, data: { meetingId, watching: -1 } };
    expect(streamEventSchema.safeParse(negative).success).toBe(false);
  });

  it('rejects an unknown type, the heartbeat and an envelope with extra keys', () => {
    expect(streamEventSchema.safeParse({ ...created, type: 'question:exploded' }).success).toBe(false);
    expect(
      streamEventSchema.safeParse({ type: 'heartbeat', tenantId, timestamp, data: { timestamp } }).success,
    ).toBe(false);
    expect(streamEventSchema.safeParse({ ...created, id: '42' }).success).toBe(false);
  });

  it('rejects a bad tenant id or timestamp', () => {
    expect(streamEventSchema.safeParse({ ...created, tenantId: 'demo' }).success).toBe(false);
    expect(streamEventSchema.safeParse({ ...created, timestamp: '2025-11-24' }).success).toBe(false);
  });
});

// Compile-time checks (run by `tsc --noEmit`): the wire types pair each name with its own payload.
export const typeChecks: TenantEvent[] = [
  {
    type: 'question:answered',
    tenantId,
    timestamp,
    // @ts-expect-error v1 has no answeredAt
    data: { id: questionId, status: 'ANSWERED', responseText: 'x', answeredAt: 'x' },
  },
  // @ts-expect-error v2 needs answeredAt and teamId
  {
    type: 'question:answered.v2',
    tenantId,
    timestamp,
    data: { id: questionId, status: 'ANSWERED', responseText: 'x' },
  },
];
