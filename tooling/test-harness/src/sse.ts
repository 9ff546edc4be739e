/**
 * Reading Server-Sent Events as a client does, with `eventsource-parser`: one connection (`openSse`), a
 * client that resumes on whichever instance a load balancer would pick, as an EventSource does
 * (`ResumingSubscriber`), any response with its frames as written (`openEventStream`), and how a tRPC
 * subscription began (`readSubscriptionOpening`).
 */
import { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { sleep, waitUntil, within } from './poll.js';

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
  /** Every data frame received on this connection, in order. */
  frames: SseEvent[];
  /** Resolves when the connection ends, whichever side ended it (never rejects). */
  ended: Promise<{ at: number; error?: string }>;
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

function isEventStream(res: IncomingMessage): boolean {
  return res.statusCode === 200 && String(res.headers['content-type']).startsWith('text/event-stream');
}

function rejectWithBody(res: IncomingMessage, url: URL, reject: (error: Error) => void): void {
  let body = '';
  res.on('data', (chunk: string) => {
    body += chunk;
  });
  res.on('end', () => reject(new Error(`GET ${url} answered ${res.statusCode}: ${body}`)));
  res.on('error', reject);
}

function readEvents(req: ClientRequest, res: IncomingMessage, url: URL, options: SseOptions): SseConnection {
  let settle: (value: { at: number; error?: string }) => void = () => {};
  const connection: SseConnection = {
    url: url.toString(),
    lastEventIdSent: options.lastEventId,
    openedAt: Date.now(),
    frames: [],
    ended: new Promise((done) => {
      settle = done;
    }),
    endedAt: undefined,
    drop: () => {
      req.destroy();
      res.destroy();
    },
  };
  const finish = (error?: string) => {
    if (connection.endedAt !== undefined) return;
    connection.endedAt = Date.now();
    settle({ at: connection.endedAt, error });
  };
  const parser = createParser({
    onEvent: ({ id, data }) => {
      if (connection.endedAt !== undefined) return;
      const frame: SseEvent = { id, data, receivedAt: Date.now() };
      connection.frames.push(frame);
      options.onFrame?.(frame);
    },
  });
  res.on('data', (chunk: string) => parser.feed(chunk));
  res.on('end', () => finish());
  res.on('error', (error) => finish(error.message));
  res.on('close', () => finish('closed'));
  return connection;
}

/**
 * Opens `GET <path>` as a raw event stream on its own socket. Resolves once a 200 `text/event-stream`
 * response has started; rejects on a refused connection or any other status (with the body).
 */
export function openSse(baseUrl: string, path: string, options: SseOptions = {}): Promise<SseConnection> {
  const url = new URL(path, baseUrl);
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: requestHeaders(options), agent: false }, (res) => {
      clearTimeout(timer);
      res.setEncoding('utf8');
      if (isEventStream(res)) resolve(readEvents(req, res, url, options));
      else rejectWithBody(res, url, reject);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no response from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
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

/** One SSE frame as written: its lines as `[field, value]`, in order; a comment line has the field ''. */
export type WireFrame = [field: string, value: string][];

function wireField(line: string): [field: string, value: string] {
  const colon = line.indexOf(':');
  const field = colon === -1 ? line : line.slice(0, colon);
  const value = colon === -1 ? '' : line.slice(colon + 1);
  return [field, value.startsWith(' ') ? value.slice(1) : value];
}

/**
 * Splits the complete frames off the start of a `text/event-stream` body, line by line, for tests of
 * the exact bytes on the wire (an EventSource parser hides id-only frames and comments): a blank line
 * ends a frame, blank lines between frames are nothing; `rest` is the frame still being written.
 */
export function takeWireFrames(text: string): { frames: WireFrame[]; rest: string } {
  const normalized = text.replaceAll('\r\n', '\n');
  const frames: WireFrame[] = [];
  let frame: WireFrame = [];
  let consumed = 0;
  for (let start = 0, end = normalized.indexOf('\n'); end !== -1; end = normalized.indexOf('\n', start)) {
    const line = normalized.slice(start, end);
    start = end + 1;
    if (line !== '') {
      frame.push(wireField(line));
      continue;
    }
    if (frame.length > 0) frames.push(frame);
    frame = [];
    consumed = start;
  }
  return { frames, rest: normalized.slice(consumed) };
}

/** The complete frames of a `text/event-stream` body (see `takeWireFrames`). */
export function wireFrames(body: string): WireFrame[] {
  return takeWireFrames(body).frames;
}

/** One frame's fields: its `id:`, `event:`, its `data:` lines joined, and its comments. */
export interface SseFrame {
  id?: string;
  data?: string;
  event?: string;
  comments: string[];
}

function sseFrameOf(wire: WireFrame): SseFrame {
  const frame: SseFrame = { comments: [] };
  for (const [field, value] of wire) {
    if (field === '') frame.comments.push(value.trim());
    else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    else if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
  }
  return frame;
}

export interface RawEventStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Every frame, in order, heartbeats and comments included. */
  readonly frames: SseFrame[];
  /** The whole body received so far. */
  body: string;
  ended: boolean;
  /** The client side's port, which names the connection on the server. */
  readonly localPort: number | undefined;
  /** Stops reading the response, so unread data backs up into the server (as from a stalled phone). */
  pause(): void;
  resume(): void;
  close(): void;
}

/**
 * A GET on `url` over node:http, whatever its status, keeping the body and its frames as they arrive.
 * `onMessage` gets each unnamed event, as an EventSource's `message` listener would: a named one
 * (tRPC's `connected`, `ping`, `serialized-error`) is not a message.
 */
export function openEventStream(
  url: string,
  headers: Record<string, string>,
  onMessage: (message: EventSourceMessage) => void = () => {},
): Promise<RawEventStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const stream: RawEventStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        frames: [],
        body: '',
        ended: false,
        localPort: res.socket.localPort,
        pause: () => res.pause(),
        resume: () => res.resume(),
        close: () => req.destroy(),
      };
      const parser = createParser({
        onEvent: (message) => {
          if (message.event === undefined) onMessage(message);
        },
      });
      let unfinished = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.body += chunk;
        const { frames, rest } = takeWireFrames(unfinished + chunk);
        unfinished = rest;
        stream.frames.push(...frames.map(sseFrameOf));
        parser.feed(chunk);
      });
      const ended = () => {
        stream.ended = true;
      };
      res.on('end', ended);
      res.on('close', ended);
      res.on('error', ended);
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}

/** How a tRPC subscription request over plain HTTP began. */
export interface SubscriptionOpening {
  outcome: 'refused' | 'delivered' | 'kept open';
  /** Refused: the `serialized-error` event's data (the error shape, JSON); otherwise what the stream sent. */
  text: string;
}

/**
 * tRPC answers a subscription with an SSE stream even when it refuses it: the refusal is a
 * `serialized-error` event (the error shape, with its HTTP status) before the stream closes. Reads
 * `response` until that refusal, a first event that shows the stream was accepted, or `silenceMs`.
 */
export async function readSubscriptionOpening(
  response: Response,
  silenceMs = 5000,
): Promise<SubscriptionOpening> {
  if (!response.body) return { outcome: 'kept open', text: 'no body' };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let opening: SubscriptionOpening | undefined;
  let received = '';
  const parser = createParser({
    onEvent: ({ event, data }) => {
      if (event === 'serialized-error') opening ??= { outcome: 'refused', text: data };
      else if (event === undefined)
        opening ??= { outcome: 'delivered', text: `stream accepted, delivered ${data}` };
    },
  });
  const read = async () => {
    for (let next = await reader.read(); !next.done && !opening; next = await reader.read()) {
      received += next.value;
      parser.feed(next.value);
    }
  };
  try {
    await within(read(), silenceMs, 'the subscription to say how it began').catch(() => undefined);
    return opening ?? { outcome: 'kept open', text: `stream accepted and kept open: ${received}` };
  } finally {
    await reader.cancel().catch(() => {});
  }
}
