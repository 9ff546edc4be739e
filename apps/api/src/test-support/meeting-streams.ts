import { MEETING_PRESENCE, type StreamEvent, streamEventSchema } from '@pulsestage/contracts';
import { openEventStream, type RawEventStream } from '@pulsestage/test-harness/sse';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import type { AppRouter } from '../router.js';
import { type Credentials, credentialHeaders, waitFor } from './sse.js';

/** An outbox event as a meeting stream delivered it: with its id. */
export interface Tracked {
  id: string;
  event: StreamEvent;
}

/** What one stream received: outbox events with ids, presence counts without. */
export interface MeetingStream {
  readonly events: Tracked[];
  /** `watching` of each `meeting:presence.v1`, in order. */
  readonly presence: number[];
  /** Envelopes off their schema, outbox events without an id, presence with one. */
  readonly problems: string[];
  /** Errors a tRPC subscription ended with. */
  readonly errors: unknown[];
  close(): void;
}

export type Transport = 'plain' | 'trpc' | 'trpc-client';

export interface StreamInput {
  tenant: string;
  meetingId?: string;
  lastEventId?: string;
}

function emptyStream(): Omit<MeetingStream, 'close'> {
  return { events: [], presence: [], problems: [], errors: [] };
}

/**
 * Files one received message: presence must come without an id and only for the stream's meeting, every
 * other event with an id.
 */
function record(
  stream: Omit<MeetingStream, 'close'>,
  input: StreamInput,
  id: string | undefined,
  data: unknown,
): void {
  const parsed = streamEventSchema.safeParse(data);
  if (!parsed.success) {
    stream.problems.push(`invalid envelope ${JSON.stringify(data)}: ${parsed.error.message}`);
    return;
  }
  const event = parsed.data;
  if (event.type === MEETING_PRESENCE) {
    if (id !== undefined) stream.problems.push(`presence with an id: ${id}`);
    if (event.data.meetingId !== input.meetingId)
      stream.problems.push(`presence of meeting ${event.data.meetingId} on a stream of ${input.meetingId}`);
    stream.presence.push(event.data.watching);
  } else if (id === undefined || !/^\d+$/.test(id)) {
    stream.problems.push(`event without a sequence id: ${JSON.stringify(data)}`);
  } else {
    stream.events.push({ id, event });
  }
}

export function plainPath({ tenant, meetingId, lastEventId }: StreamInput): string {
  const query = new URLSearchParams({ tenant });
  if (meetingId) query.set('meetingId', meetingId);
  if (lastEventId) query.set('lastEventId', lastEventId);
  return `/events?${query}`;
}

export function trpcPath(input: StreamInput): string {
  return `/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify(input))}`;
}

/** The raw wire of `/events` or `/trpc/events.subscribe`, every frame kept for checks on ids. */
export async function openRaw(
  url: string,
  transport: 'plain' | 'trpc',
  credentials: Credentials,
  input: StreamInput,
): Promise<MeetingStream & { raw: RawEventStream }> {
  const stream = emptyStream();
  const path = transport === 'plain' ? plainPath(input) : trpcPath(input);
  const raw = await openEventStream(`${url}${path}`, credentialHeaders(credentials), {
    onMessage: ({ id, data }) => {
      const parsed: unknown = JSON.parse(data);
      if ((parsed as { type?: unknown }).type !== 'heartbeat') record(stream, input, id, parsed);
    },
  });
  return { ...stream, raw, close: () => raw.close() };
}

/** tRPC's own client (httpSubscriptionLink), which reconnects by itself with the last id it saw. */
export function openTrpcClient(
  url: string,
  credentials: Credentials,
  input: StreamInput,
): MeetingStream & { started: () => boolean } {
  const stream = emptyStream();
  let started = false;
  const fetchWithCredentials: FetchLike = (target, init) =>
    fetch(target, { ...init, headers: { ...init.headers, ...credentialHeaders(credentials) } });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          eventSourceOptions: { fetch: fetchWithCredentials },
        }),
        false: httpLink({ url: `${url}/trpc`, headers: () => credentialHeaders(credentials) }),
      }),
    ],
  });
  const subscription = client.events.subscribe.subscribe(input, {
    onStarted: () => {
      started = true;
    },
    onData: (received) =>
      'id' in received
        ? record(stream, input, received.id, received.data)
        : record(stream, input, undefined, received),
    onError: (error) => stream.errors.push(error),
  });
  return { ...stream, started: () => started, close: () => subscription.unsubscribe() };
}

export async function openStream(
  url: string,
  transport: Transport,
  credentials: Credentials,
  input: StreamInput,
): Promise<MeetingStream> {
  if (transport !== 'trpc-client') return openRaw(url, transport, credentials, input);
  const stream = openTrpcClient(url, credentials, input);
  // The `connected` frame comes once the subscriber is in its room: nothing committed later is missed.
  await waitFor(() => stream.started() || stream.errors.length > 0, 5000, 'the stream to open');
  return stream;
}

/** Closes the streams a test opened and forgets them; returns what their checks found wrong. */
export function closeStreams(open: MeetingStream[]): string[] {
  return open.splice(0).flatMap((stream) => {
    stream.close();
    return stream.problems;
  });
}

/** Waits until the stream holds `count` outbox events, then returns their ids. */
export async function idsOnceReceived(stream: MeetingStream, count: number): Promise<string[]> {
  await waitFor(() => stream.events.length >= count, 5000, `${count} events`);
  return stream.events.map(({ id }) => id);
}
