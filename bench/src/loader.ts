/**
 * A load process: opens many raw HTTP SSE connections (no EventSource, no browser), parses the frames
 * and keeps, per event id, which connections received it, how often and when. Started by the harness
 * with `fork`; it receives its LoaderConfig as the first IPC message and reports over IPC.
 */
import { Agent, type ClientRequest, request } from 'node:http';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { Histogram } from './histogram.js';
import {
  type FromLoader,
  type IdReport,
  type LoaderConfig,
  type LoaderResult,
  type MutationTimes,
  monotonicMs,
  type ToLoader,
} from './protocol.js';
import { type Vote, VoteArrivals, voteOf } from './storm-arrivals.js';

const PROGRESS_INTERVAL_MS = 200;
const MAX_ERRORS = 5;
const MAX_FRAME_CHARS = 1_000_000;

interface Connection {
  index: number;
  parser: EventSourceParser;
  /** The start of the response, to show when it ends before a connected frame. */
  opening: string;
  connected: boolean;
  closed: boolean;
  lastSeq: number;
  request?: ClientRequest;
  timer?: NodeJS.Timeout;
}

/** Everything about one event id, shared by the connections of this process. */
interface Slot {
  id: string;
  marker: string;
  /** The first copy's payload; later copies are compared with it. */
  data: string;
  counts: Uint8Array;
  arrivals: Float64Array | null;
  /** With `trackVotes`, what a `question:upvoted` event says. */
  vote: Vote | undefined;
}

function send(message: FromLoader): void {
  process.send?.(message);
}

/** What identifies the mutation behind an event: the question for a creation, question and count for a vote. */
export function markerOf(id: string, data: string): string {
  try {
    const envelope = JSON.parse(data) as { type?: unknown; data?: Record<string, unknown> };
    const type = String(envelope.type);
    const payload = envelope.data ?? {};
    if (type.startsWith('question:created')) return `c:${String(payload.id)}`;
    if (type.startsWith('question:upvoted'))
      return `u:${String(payload.questionId)}:${String(payload.upvoteCount)}`;
    if (type.startsWith('question:answered')) return `a:${String(payload.id)}`;
    return `${type}#${id}`;
  } catch {
    return `unparsable#${id}`;
  }
}

function run(config: LoaderConfig): void {
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const connections: Connection[] = [];
  const slots = new Map<string, Slot>();
  const votes = config.trackVotes ? new VoteArrivals(config.connections) : null;
  const errors: string[] = [];
  const streamErrors: string[] = [];
  let deliveries = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let mismatched = 0;
  let disconnects = 0;
  let keepalives = 0;
  let firstArrival = 0;
  let lastArrival = 0;
  let connectedCount = 0;
  let failedCount = 0;
  let nextToOpen = 0;
  let readySent = false;
  const startedAt = monotonicMs();

  const note = (list: string[], message: string) => {
    if (list.length < MAX_ERRORS) list.push(message);
  };

  const maybeReady = () => {
    if (readySent || connectedCount + failedCount < config.connections) return;
    readySent = true;
    send({
      t: 'ready',
      index: config.index,
      connected: connectedCount,
      failed: failedCount,
      errors,
      connectMs: monotonicMs() - startedAt,
    });
  };

  const settle = (connection: Connection, failure?: string) => {
    clearTimeout(connection.timer);
    if (failure === undefined) connectedCount++;
    else {
      failedCount++;
      note(errors, failure);
    }
    openNext();
    maybeReady();
  };

  const deliver = (connection: Connection, id: string, data: string, now: number) => {
    deliveries++;
    if (firstArrival === 0) firstArrival = now;
    lastArrival = now;
    let slot = slots.get(id);
    if (!slot) {
      slot = {
        id,
        marker: markerOf(id, data),
        data,
        counts: new Uint8Array(config.connections),
        arrivals: config.trackArrivals ? new Float64Array(config.connections) : null,
        vote: votes ? voteOf(data) : undefined,
      };
      slots.set(id, slot);
    } else if (slot.data !== data) mismatched++;
    const seq = Number(id);
    const seen = slot.counts[connection.index] ?? 0;
    if (seen > 0) duplicated++;
    else {
      if (slot.arrivals) slot.arrivals[connection.index] = now;
      if (seq <= connection.lastSeq) outOfOrder++;
    }
    if (seen < 255) slot.counts[connection.index] = seen + 1;
    if (slot.vote) votes?.record(connection.index, slot.vote, seq, now);
    if (seq > connection.lastSeq) connection.lastSeq = seq;
  };

  const markConnected = (connection: Connection) => {
    if (connection.connected) return;
    connection.connected = true;
    settle(connection);
  };

  /** When the chunk being parsed arrived: every frame completed by it arrived then. */
  let chunkArrival = 0;

  const onEvent = (connection: Connection, { id, event, data }: EventSourceMessage) => {
    if (event === 'connected') markConnected(connection);
    else if (event === 'ping') keepalives++;
    else if (event === 'serialized-error' || event === 'return')
      note(streamErrors, `connection ${connection.index}: event ${event} ${data}`.slice(0, 300));
    // GET /events heartbeats are data events without an id.
    else if (id === undefined) keepalives++;
    else deliver(connection, id, data, chunkArrival);
  };

  const onComment = (connection: Connection, comment: string) => {
    if (comment.trim() === 'connected') markConnected(connection);
    else keepalives++;
  };

  /** A parser for one connection; `connection` is read when a frame arrives, after it was made. */
  const parserFor = (connection: () => Connection): EventSourceParser =>
    createParser({
      maxBufferSize: MAX_FRAME_CHARS,
      onEvent: (message) => onEvent(connection(), message),
      onComment: (comment) => onComment(connection(), comment),
      onError: (error) => note(streamErrors, `connection ${connection().index}: ${error.message}`),
    });

  const onChunk = (connection: Connection, chunk: string) => {
    chunkArrival = monotonicMs();
    if (connection.opening.length < 120) connection.opening += chunk.slice(0, 120);
    connection.parser.feed(chunk);
  };

  const open = (connection: Connection) => {
    connection.timer = setTimeout(() => {
      if (connection.connected || connection.closed) return;
      connection.closed = true;
      connection.request?.destroy();
      settle(connection, `no connected frame within ${config.connectTimeoutMs} ms`);
    }, config.connectTimeoutMs);
    const req = request(config.url, { agent, headers: config.headers, method: 'GET' });
    connection.request = req;
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 300) body += chunk;
        });
        res.on('end', () => {
          if (connection.closed) return;
          connection.closed = true;
          settle(connection, `HTTP ${res.statusCode}: ${body.slice(0, 300)}`);
        });
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => onChunk(connection, chunk));
      res.on('close', () => {
        if (connection.closed) return;
        connection.closed = true;
        if (connection.connected) disconnects++;
        else {
          const start = JSON.stringify(connection.opening.slice(0, 120));
          settle(
            connection,
            `the response (${res.headers['content-type'] ?? 'no content-type'}) ended before a connected frame: ${start}`,
          );
        }
      });
    });
    req.on('error', (error) => {
      if (connection.closed) return;
      connection.closed = true;
      if (connection.connected) disconnects++;
      else settle(connection, `request failed: ${error.message}`);
    });
    req.end();
  };

  function openNext(): void {
    while (nextToOpen < config.connections) {
      const pending = nextToOpen - connectedCount - failedCount;
      if (pending >= config.connectConcurrency) return;
      const connection: Connection = {
        index: nextToOpen++,
        parser: parserFor(() => connection),
        opening: '',
        connected: false,
        closed: false,
        lastSeq: 0,
      };
      connections.push(connection);
      open(connection);
    }
  }

  /** The lowest last id among the open connections (0 when none is open). */
  const passed = () => {
    let lowest = Number.POSITIVE_INFINITY;
    for (const connection of connections)
      if (connection.connected && !connection.closed) lowest = Math.min(lowest, connection.lastSeq);
    return Number.isFinite(lowest) ? lowest : 0;
  };

  const progress = setInterval(() => {
    send({ t: 'progress', index: config.index, deliveries, disconnects, lastArrival, passed: passed() });
  }, PROGRESS_INTERVAL_MS);

  const result = (markers: Record<string, MutationTimes> | null): LoaderResult => {
    const histogram = markers ? new Histogram() : null;
    const fromRequest = markers ? new Histogram() : null;
    const ids: IdReport[] = [];
    for (const slot of slots.values()) {
      let received = 0;
      const times = markers?.[slot.marker];
      for (let c = 0; c < config.connections; c++) {
        if ((slot.counts[c] ?? 0) === 0) continue;
        received++;
        if (times && slot.arrivals) {
          const arrival = slot.arrivals[c] ?? 0;
          histogram?.record(arrival - times.respondedAt);
          fromRequest?.record(arrival - times.sentAt);
        }
      }
      ids.push({ id: slot.id, marker: slot.marker, received });
    }
    const cpu = process.cpuUsage();
    return {
      index: config.index,
      connections: connectedCount,
      deliveries,
      ids,
      duplicated,
      outOfOrder,
      mismatched,
      disconnects,
      keepalives,
      streamErrors,
      latency: histogram?.serialize() ?? null,
      latencyFromRequest: fromRequest?.serialize() ?? null,
      firstArrival,
      lastArrival,
      votes: votes?.report(connectedCount) ?? null,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
    };
  };

  const shutdown = () => {
    clearInterval(progress);
    for (const connection of connections) {
      connection.closed = true;
      connection.request?.destroy();
    }
    agent.destroy();
  };

  process.on('message', (message: ToLoader) => {
    if (message.t === 'finish') {
      const finished = result(message.markers);
      shutdown();
      process.send?.({ t: 'result', result: finished } satisfies FromLoader, () => process.exit(0));
    } else if (message.t === 'exit') {
      shutdown();
      process.exit(0);
    }
  });

  openNext();
  maybeReady();
}

// The harness gone means nobody reads our results: never outlive it.
process.on('disconnect', () => process.exit(0));
process.once('message', (config: LoaderConfig) => {
  try {
    run(config);
  } catch (error) {
    send({
      t: 'fatal',
      index: config.index,
      message: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  }
});
