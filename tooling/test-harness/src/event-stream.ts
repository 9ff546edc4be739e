/**
 * A `text/event-stream` response as it arrives: its frames exactly as written (for tests of the bytes
 * on the wire), its messages through `eventsource-parser`, and how a tRPC subscription began.
 */
import { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { within } from './poll.js';

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
  readonly url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** Every frame, in order, heartbeats and comments included. */
  readonly frames: SseFrame[];
  /** The whole body received so far. */
  body: string;
  ended: boolean;
  /** Resolves with the time the response ended, whichever side ended it (never rejects). */
  readonly finished: Promise<number>;
  /** The client side's port, which names the connection on the server. */
  readonly localPort: number | undefined;
  /** Stops reading the response, so unread data backs up into the server (as from a stalled phone). */
  pause(): void;
  resume(): void;
  close(): void;
}

export interface EventStreamOptions {
  /**
   * Each unnamed event, as an EventSource's `message` listener gets it: a named one (tRPC's
   * `connected`, `ping`, `serialized-error`) is not a message.
   */
  onMessage?: (message: EventSourceMessage) => void;
  /** Bound on the wait for the response headers. */
  responseTimeoutMs?: number;
}

function followResponse(
  url: string,
  req: ClientRequest,
  res: IncomingMessage,
  onMessage: (message: EventSourceMessage) => void,
): RawEventStream {
  let markFinished: (at: number) => void = () => {};
  const stream: RawEventStream = {
    url,
    status: res.statusCode ?? 0,
    headers: res.headers,
    frames: [],
    body: '',
    ended: false,
    finished: new Promise((resolve) => {
      markFinished = resolve;
    }),
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
    if (stream.ended) return;
    stream.ended = true;
    markFinished(Date.now());
  };
  for (const event of ['end', 'close', 'error']) res.on(event, ended);
  return stream;
}

/** A GET on `url` over node:http, whatever its status, keeping the body and its frames as they arrive. */
export function openEventStream(
  url: string,
  headers: Record<string, string>,
  { onMessage = () => {}, responseTimeoutMs = 5000 }: EventStreamOptions = {},
): Promise<RawEventStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      clearTimeout(timer);
      resolve(followResponse(url, req, res, onMessage));
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no response from ${url} within ${responseTimeoutMs} ms`));
    }, responseTimeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
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
