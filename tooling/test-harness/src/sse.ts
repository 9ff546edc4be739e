/**
 * Reading Server-Sent Events as a client does: one connection (`openSse`), and a client that resumes on
 * whichever instance a load balancer would pick, as an EventSource does (`ResumingSubscriber`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { openEventStream, type RawEventStream } from './event-stream.js';
import { sleep, waitUntil, within } from './poll.js';

export * from './event-stream.js';

export interface SseEvent {
  /** The frame's own `id:` field; undefined for frames without one (heartbeats). */
  id: string | undefined;
  data: string;
  receivedAt: number;
}

export interface SseConnection {
  url: string;
  lastEventIdSent: string | undefined;
  openedAt: number;
  headers: IncomingHttpHeaders;
  /** Every message received on this connection, in order. */
  frames: SseEvent[];
  /** Resolves when the connection ends, whichever side ended it (never rejects). */
  ended: Promise<{ at: number }>;
  endedAt: number | undefined;
  /** Cuts the connection from the client side, as a dropped network would. */
  drop(): void;
}

export interface SseOptions {
  cookie?: string;
  lastEventId?: string;
  onFrame?: (frame: SseEvent) => void;
  /** Bound on the wait for the response headers. */
  timeoutMs?: number;
}

function requestHeaders(options: SseOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  return headers;
}

function isEventStream(stream: RawEventStream): boolean {
  return stream.status === 200 && String(stream.headers['content-type']).startsWith('text/event-stream');
}

/**
 * Opens `GET <path>` as an event stream on its own socket. Resolves once a 200 `text/event-stream`
 * response has started; rejects on a refused connection or any other status (with the body).
 */
export async function openSse(
  baseUrl: string,
  path: string,
  options: SseOptions = {},
): Promise<SseConnection> {
  const frames: SseEvent[] = [];
  let endedAt: number | undefined;
  const stream = await openEventStream(new URL(path, baseUrl).toString(), requestHeaders(options), {
    responseTimeoutMs: options.timeoutMs ?? 5000,
    onMessage: ({ id, data }) => {
      if (endedAt !== undefined) return;
      const frame: SseEvent = { id, data, receivedAt: Date.now() };
      frames.push(frame);
      options.onFrame?.(frame);
    },
  });
  if (!isEventStream(stream)) {
    await stream.finished;
    throw new Error(`GET ${stream.url} answered ${stream.status}: ${stream.body}`);
  }
  const connection: SseConnection = {
    url: stream.url,
    lastEventIdSent: options.lastEventId,
    openedAt: Date.now(),
    headers: stream.headers,
    frames,
    ended: stream.finished.then((at) => {
      endedAt ??= at;
      connection.endedAt = endedAt;
      return { at: endedAt };
    }),
    endedAt: undefined,
    drop: () => stream.close(),
  };
  return connection;
}

export interface ResumingSubscriberOptions {
  /** e.g. `/events?tenant=demo` */
  path: string;
  cookie: string;
  /** The Last-Event-ID of the first connection (the state the client already has). */
  lastEventId?: string;
  /** Where each (re)connection goes, asked anew every time, like a load balancer. */
  target: () => string;
  /** Delay before reconnecting after a drop or a refused connection (an EventSource's retry). */
  retryMs?: number;
  /** Bound on connection attempts. */
  maxAttempts?: number;
}

export interface ConnectionRecord {
  url: string;
  lastEventIdSent: string | undefined;
  openedAt: number;
  /** The response's headers (a proxy in front may say which instance answered). */
  headers: IncomingHttpHeaders;
  endedAt: number | undefined;
  /** Ids received on this connection, in order. */
  ids: string[];
}

/**
 * What an EventSource does, across instances: keeps one stream open, and whenever it ends or cannot be
 * opened, reconnects (to whatever `target` says now) with `Last-Event-ID` set to the last id it saw.
 */
export class ResumingSubscriber {
  /** Every event with an id, across all connections, in arrival order. */
  readonly events: (SseEvent & { id: string })[] = [];
  readonly connections: ConnectionRecord[] = [];
  readonly failedAttempts: { url: string; at: number; error: string }[] = [];
  lastEventId: string | undefined;
  current: SseConnection | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: ResumingSubscriberOptions) {
    this.lastEventId = options.lastEventId;
  }

  /** Starts the loop; resolves once the first connection is open. */
  async start(timeoutMs = 5000): Promise<void> {
    this.loop = this.run();
    await waitUntil(() => this.connections.length > 0, 'the first connection', { timeoutMs });
  }

  /** Numeric ids of every event received so far. */
  ids(): number[] {
    return this.events.map((event) => Number(event.id));
  }

  /** Waits until an event with an id of at least `seq` arrived. */
  async waitForId(seq: number, timeoutMs: number): Promise<void> {
    await waitUntil(() => Number(this.lastEventId ?? 0) >= seq, `event id ${seq}`, { timeoutMs });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.drop();
    await within(this.loop ?? Promise.resolve(), 5000, 'the subscriber loop to stop');
  }

  private async run(): Promise<void> {
    const { maxAttempts = 100, retryMs = 100 } = this.options;
    for (let attempt = 0; attempt < maxAttempts && !this.stopped; attempt += 1) {
      const baseUrl = this.options.target();
      try {
        await this.follow(baseUrl);
      } catch (error) {
        this.failedAttempts.push({
          url: baseUrl,
          at: Date.now(),
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (!this.stopped) await sleep(retryMs);
    }
  }

  /** One connection, from opening to its end. */
  private async follow(baseUrl: string): Promise<void> {
    let record: ConnectionRecord | undefined;
    const connection = await openSse(baseUrl, this.options.path, {
      cookie: this.options.cookie,
      lastEventId: this.lastEventId,
      onFrame: (frame) => {
        if (frame.id === undefined || this.stopped) return;
        this.lastEventId = frame.id;
        this.events.push({ ...frame, id: frame.id });
        record?.ids.push(frame.id);
      },
    });
    record = {
      url: baseUrl,
      lastEventIdSent: connection.lastEventIdSent,
      openedAt: connection.openedAt,
      headers: connection.headers,
      endedAt: undefined,
      ids: [],
    };
    // Frames that arrived before `record` existed (same tick as the headers) are replayed here.
    for (const frame of connection.frames) if (frame.id !== undefined) record.ids.push(frame.id);
    this.connections.push(record);
    this.current = connection;
    if (this.stopped) connection.drop();
    const { at } = await connection.ended;
    record.endedAt = at;
    this.current = undefined;
  }
}
