import { z } from 'zod';
import { uuid } from '../primitives.js';
import {
  EVENT_TYPES,
  type EventPayload,
  type EventType,
  type EventVersion,
  eventCatalog,
  type LatestEvent,
} from './catalog.js';
import { heartbeatV1, meetingPresenceV1, streamResyncV1 } from './payloads.js';

/** The first published families, whose version 1 keeps the bare name; newer families start at `.v1`. */
const BARE_FIRST_VERSION = [
  'question:created',
  'question:upvoted',
  'question:answered',
  'question:tagged',
  'question:untagged',
  'question:pinned',
  'question:frozen',
  'question:removed',
  'question:pending',
] as const satisfies readonly EventType[];
type BareFirstVersion = (typeof BARE_FIRST_VERSION)[number];

/** Version 1 of a seed family keeps the bare name; every other version is `<type>.vN`. */
export type WireName<T extends EventType, V extends number> = V extends 1
  ? T extends BareFirstVersion
    ? T
    : `${T}.v1`
  : `${T}.v${V}`;

export function wireName(type: EventType, version: number): string {
  const bare = version === 1 && (BARE_FIRST_VERSION as readonly EventType[]).includes(type);
  return bare ? type : `${type}.v${version}`;
}

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalog, value);
}

export function versionsOf(type: EventType): number[] {
  return Object.keys(eventCatalog[type].versions).map(Number);
}

export function schemaOf(type: EventType, version: number): z.ZodType | undefined {
  const versions: Readonly<Record<number, z.ZodType>> = eventCatalog[type].versions;
  return versions[version];
}

/** Converts the newest payload of an event into the payload of the requested version. */
export function toVersion(event: LatestEvent, version: number): unknown {
  // The catalog pairs each family's converters with its own payload; the union loses that pairing.
  const downgrade: Readonly<Record<number, (latest: never) => unknown>> = eventCatalog[event.type].downgrade;
  const convert = downgrade[version];
  if (!convert) throw new RangeError(`${event.type} has no version ${version}`);
  return convert(event.data as never);
}

/** What a subscriber asks for: a version per event type; types left out get version 1. */
export const versionSelection = z
  .record(z.string(), z.number().int().positive())
  .superRefine((selection, ctx) => {
    for (const [type, version] of Object.entries(selection)) {
      if (!isEventType(type)) {
        ctx.addIssue({ code: 'custom', path: [type], message: `unknown event type "${type}"` });
      } else if (!schemaOf(type, version)) {
        ctx.addIssue({
          code: 'custom',
          path: [type],
          message: `${type} has versions ${versionsOf(type).join(', ')}, not ${version}`,
        });
      }
    }
  });
export type VersionSelection = z.infer<typeof versionSelection>;

export type ResolvedVersions = Readonly<Record<EventType, number>>;

export function resolveVersions(selection: VersionSelection = {}): ResolvedVersions {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, selection[type] ?? 1])) as Record<
    EventType,
    number
  >;
}

type Envelope<Type extends string, Data> = { type: Type; tenantId: string; data: Data; timestamp: number };

/** Every event a subscriber can receive, in every published version, discriminated by `type`. */
export type TenantEvent = {
  [T in EventType]: {
    [V in EventVersion<T>]: Envelope<WireName<T, V>, EventPayload<T, V>>;
  }[EventVersion<T>];
}[EventType];

export const STREAM_RESYNC = 'stream:resync';
export const HEARTBEAT = 'heartbeat';
/** How many watch a meeting: sent to streams filtered on it, like `heartbeat` never stored and without id. */
export const MEETING_PRESENCE = 'meeting:presence.v1';
export type StreamResyncEvent = Envelope<typeof STREAM_RESYNC, z.infer<typeof streamResyncV1>>;
export type HeartbeatEvent = Envelope<typeof HEARTBEAT, z.infer<typeof heartbeatV1>>;
export type MeetingPresenceEvent = Envelope<typeof MEETING_PRESENCE, z.infer<typeof meetingPresenceV1>>;

/** What a tenant stream yields: tenant events, the resync control event and, with a meeting filter, presence. */
export type StreamEvent = TenantEvent | StreamResyncEvent | MeetingPresenceEvent;

function envelopeSchema(type: string, data: z.ZodType) {
  return z.strictObject({ type: z.literal(type), tenantId: uuid, data, timestamp: z.number().int() });
}

/** Every published wire schema keyed by its wire name, control events included. */
export function publishedSchemas(): Map<string, z.ZodType> {
  const schemas = new Map<string, z.ZodType>();
  for (const type of EVENT_TYPES) {
    for (const version of versionsOf(type)) {
      const data = schemaOf(type, version);
      if (data) schemas.set(wireName(type, version), data);
    }
  }
  schemas.set(STREAM_RESYNC, streamResyncV1);
  schemas.set(HEARTBEAT, heartbeatV1);
  schemas.set(MEETING_PRESENCE, meetingPresenceV1);
  return schemas;
}

const streamEventOptions = [...publishedSchemas()]
  .filter(([name]) => name !== HEARTBEAT)
  .map(([name, data]) => envelopeSchema(name, data));

/** Validates anything a tenant stream can yield. */
export const streamEventSchema = z.discriminatedUnion(
  'type',
  streamEventOptions as [(typeof streamEventOptions)[number], ...(typeof streamEventOptions)[number][]],
) as unknown as z.ZodType<StreamEvent>;
