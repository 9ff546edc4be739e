import { describe, expect, it } from 'vitest';
import { currentJsonSchemas, type JsonSchema } from './snapshots.js';

const MEETING_FIELDS = [
  'id',
  'title',
  'description',
  'code',
  'state',
  'paused',
  'opensAt',
  'closesAt',
  'requireApproval',
  'allowGuests',
];

/** The published `data` of each wire name, field by field, written out by hand (stream:resync included). */
const PUBLISHED_FIELDS: Record<string, readonly string[]> = {
  'question:created': ['id', 'body', 'teamId', 'status', 'upvoteCount', 'submittedAt'],
  'question:upvoted': ['questionId', 'upvoteCount'],
  'question:answered': ['id', 'status', 'responseText'],
  'question:answered.v2': ['id', 'status', 'responseText', 'answeredAt', 'teamId'],
  'question:tagged': ['questionId', 'tag'],
  'question:untagged': ['questionId', 'tagId'],
  'question:pinned': ['questionId', 'pinned'],
  'question:frozen': ['frozen'],
  'question:removed': ['questionId'],
  'question:pending': ['id', 'body', 'teamId', 'submittedAt'],
  'question:created.v2': ['meetingId', 'id', 'body', 'teamId', 'status', 'upvoteCount', 'submittedAt'],
  'question:upvoted.v2': ['meetingId', 'questionId', 'upvoteCount'],
  'question:answered.v3': ['meetingId', 'id', 'status', 'responseText', 'answeredAt', 'teamId'],
  'question:tagged.v2': ['meetingId', 'questionId', 'tag'],
  'question:untagged.v2': ['meetingId', 'questionId', 'tagId'],
  'question:pinned.v2': ['meetingId', 'questionId', 'pinned'],
  'question:frozen.v2': ['meetingId', 'frozen'],
  'question:removed.v2': ['meetingId', 'questionId'],
  'question:pending.v2': ['meetingId', 'id', 'body', 'teamId', 'submittedAt'],
  'question:edited.v1': ['meetingId', 'questionId', 'body'],
  'question:hidden.v1': ['meetingId', 'questionId'],
  'question:restored.v1': ['meetingId', 'questionId'],
  'question:reopened.v1': ['meetingId', 'questionId'],
  'tenant:updated.v1': ['name', 'settings'],
  'tenant:updated.v2': ['name', 'settings'],
  'tenant:updated.v3': ['name', 'settings'],
  'pulse.response.recorded.v1': ['questionId', 'teamId', 'score', 'cohortName', 'submittedAt'],
  'checkin:opened.v1': ['cohortName', 'date'],
  ...Object.fromEntries(
    ['created', 'updated', 'opened', 'closed', 'deleted'].map((change) => [
      `meeting:${change}.v1`,
      MEETING_FIELDS,
    ]),
  ),
  'meeting:presence.v1': ['meetingId', 'watching'],
  heartbeat: ['timestamp'],
  'stream:resync': ['reason'],
};

const schemas = currentJsonSchemas();

function property(wire: string, field: string): JsonSchema {
  const properties = schemas.get(wire)?.properties as Record<string, JsonSchema> | undefined;
  const schema = properties?.[field];
  if (!schema) throw new Error(`${wire} has no property ${field}`);
  return schema;
}

const UUID = { type: 'string', format: 'uuid' };
const NULLABLE_UUID = { anyOf: [expect.objectContaining(UUID), { type: 'null' }] };
const DATE_TIME = { type: 'string', format: 'date-time' };

describe('payload schemas match the published fields', () => {
  it('cover exactly the published wire names', () => {
    expect([...schemas.keys()].sort()).toEqual(Object.keys(PUBLISHED_FIELDS).sort());
  });

  it.each(Object.entries(PUBLISHED_FIELDS))(
    '%s has exactly the fields %j, all required, no others',
    (wire, fields) => {
      const schema = schemas.get(wire);
      expect(schema?.type).toBe('object');
      expect(Object.keys(schema?.properties ?? {}).sort()).toEqual([...fields].sort());
      expect([...((schema?.required as string[] | undefined) ?? [])].sort()).toEqual([...fields].sort());
      expect(schema?.additionalProperties).toBe(false);
    },
  );

  it('question:tagged carries tag { id, name, color } and nothing else', () => {
    const tag = property('question:tagged', 'tag');
    expect(Object.keys(tag.properties as object).sort()).toEqual(['color', 'id', 'name']);
    expect([...(tag.required as string[])].sort()).toEqual(['color', 'id', 'name']);
    expect(tag.additionalProperties).toBe(false);
    expect(tag.properties).toMatchObject({ id: UUID, name: { type: 'string' } });
  });

  it('ids are uuids; teamId may be null', () => {
    for (const [wire, field] of [
      ['question:created', 'id'],
      ['question:upvoted', 'questionId'],
      ['question:answered', 'id'],
      ['question:answered.v2', 'id'],
      ['question:tagged', 'questionId'],
      ['question:untagged', 'questionId'],
      ['question:untagged', 'tagId'],
      ['question:pinned', 'questionId'],
      ['question:removed', 'questionId'],
      ['question:pending', 'id'],
    ] as const) {
      expect(property(wire, field), `${wire}.${field}`).toMatchObject(UUID);
    }
    for (const wire of ['question:created', 'question:pending', 'question:answered.v2']) {
      expect(property(wire, 'teamId'), wire).toMatchObject(NULLABLE_UUID);
    }
  });

  it('timestamps are ISO-8601 date-times', () => {
    expect(property('question:created', 'submittedAt')).toMatchObject(DATE_TIME);
    expect(property('question:pending', 'submittedAt')).toMatchObject(DATE_TIME);
    expect(property('question:answered.v2', 'answeredAt')).toMatchObject(DATE_TIME);
    expect(property('heartbeat', 'timestamp')).toMatchObject({ type: 'integer' });
  });

  it('status is fixed per type and flags are booleans', () => {
    expect(property('question:created', 'status')).toMatchObject({ const: 'OPEN' });
    expect(property('question:answered', 'status')).toMatchObject({ const: 'ANSWERED' });
    expect(property('question:answered.v2', 'status')).toMatchObject({ const: 'ANSWERED' });
    expect(property('question:pinned', 'pinned')).toMatchObject({ type: 'boolean' });
    expect(property('question:frozen', 'frozen')).toMatchObject({ type: 'boolean' });
    expect(property('question:upvoted', 'upvoteCount')).toMatchObject({ type: 'integer', minimum: 0 });
    expect(property('question:created', 'upvoteCount')).toMatchObject({ type: 'integer', minimum: 0 });
  });
});
