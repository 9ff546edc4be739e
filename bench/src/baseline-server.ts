/**
 * The yardstick: the smallest reasonable node:http SSE server. GET /stream holds the response open;
 * POST /publish appends an event to an in-memory log with the next id, builds its frame once and
 * writes that one string to every open response, then answers 200. Same frame format as the API's
 * transport under test (`--format trpc|events`), same keep-alive cadence, no database, no auth.
 *
 * With `--coalesce-ms N` (N > 0) a published event waits up to N ms for others, and the frames of all
 * events published meanwhile go to each response in one write, as the API's hub batches them; the
 * publish request is answered at once, before that write. Of the events waiting together only the
 * newest of each conflation key goes out (`conflate` from the contracts, as the API does). GET /stats
 * counts events and writes.
 *
 * POST /upvote `{ meetingId, questionId, voter, up }` adds or removes one voter's vote in memory (409 when
 * it changes nothing) and publishes `question:upvoted` with the new count, answering `{ upvoteCount,
 * eventId }`; GET /counts answers every question's count. They stand in for the API's upvotes.
 *
 *   node --import tsx src/baseline-server.ts --port 4100 --format trpc [--coalesce-ms 2]
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { conflate, streamConflationKey } from '@pulsestage/contracts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    format: { type: 'string', default: 'trpc' },
    'coalesce-ms': { type: 'string', default: '0' },
  },
});
const format = values.format === 'events' ? 'events' : 'trpc';
const COALESCE_MS = Math.max(0, Number(values['coalesce-ms']) || 0);

/** Same cadence as the API: tRPC pings every 15 s, GET /events heartbeats every 30 s. */
const KEEPALIVE_MS = format === 'trpc' ? 15_000 : 30_000;
const MAX_BODY_BYTES = 256 * 1024;
const TENANT_ID = randomUUID();

const CONNECTED_FRAME =
  format === 'trpc'
    ? `event: connected\ndata: ${JSON.stringify({ reconnectAfterInactivityMs: 40_000 })}\n\n`
    : ': connected\n\n';

const streams = new Set<ServerResponse>();
const log: { id: number; frame: string }[] = [];
let lastId = 0;

function frameOf(id: number, envelope: string): string {
  return format === 'trpc' ? `data: ${envelope}\nid: ${id}\n\n` : `id: ${id}\ndata: ${envelope}\n\n`;
}

/** An event's frame, and what a newer event in the same write would replace it by. */
interface Queued {
  frame: string;
  key: string | undefined;
}

function keepaliveFrame(): string {
  if (format === 'trpc') return 'event: ping\ndata: \n\n';
  const timestamp = Date.now();
  return `data: ${JSON.stringify({ type: 'heartbeat', tenantId: TENANT_ID, data: { timestamp }, timestamp })}\n\n`;
}

/** What went out, for GET /stats: writes to responses and the events they carried. */
const stats = { events: 0, writes: 0 };

function broadcast(frame: string): void {
  for (const res of streams) res.write(frame);
  stats.writes += streams.size;
}

/** Events waiting for the next coalesced write (only with --coalesce-ms). */
let queued: Queued[] = [];

function publish(event: Queued): void {
  if (COALESCE_MS === 0) {
    broadcast(event.frame);
    return;
  }
  queued.push(event);
  if (queued.length > 1) return;
  setTimeout(() => {
    const text = conflate(queued, (item) => item.key)
      .map((item) => item.frame)
      .join('');
    queued = [];
    broadcast(text);
  }, COALESCE_MS);
}

/** Appends an event to the log with the next id and sends it on; returns the id. */
function append(type: string, data: unknown): number {
  const id = ++lastId;
  stats.events++;
  const envelope = JSON.stringify({ type, tenantId: TENANT_ID, data, timestamp: Date.now() });
  const frame = frameOf(id, envelope);
  log.push({ id, frame });
  publish({ frame, key: streamConflationKey({ type, data }) });
  return id;
}

/** Who has upvoted each question, for POST /upvote. */
const voters = new Map<string, Set<string>>();

function upvote(input: Record<string, unknown>, res: ServerResponse): void {
  const { meetingId, questionId, voter, up } = input;
  if (typeof questionId !== 'string' || typeof voter !== 'string' || typeof up !== 'boolean') {
    answer(res, 400, { error: 'expected { meetingId, questionId, voter, up: boolean }' });
    return;
  }
  const votes = voters.get(questionId) ?? new Set<string>();
  voters.set(questionId, votes);
  if (votes.has(voter) === up) {
    answer(res, 409, { error: up ? 'already upvoted' : 'not upvoted' });
    return;
  }
  if (up) votes.add(voter);
  else votes.delete(voter);
  const upvoteCount = votes.size;
  const eventId = append('question:upvoted', { meetingId, questionId, upvoteCount });
  answer(res, 200, { upvoteCount, eventId: String(eventId) });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Reads a JSON body of at most MAX_BODY_BYTES and hands it on; answers 400 when it is not JSON. */
function readJson(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (input: Record<string, unknown>) => void,
) {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    let input: unknown;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      answer(res, 400, { error: 'invalid JSON' });
      return;
    }
    if (typeof input === 'object' && input !== null) handle(input as Record<string, unknown>);
    else answer(res, 400, { error: 'expected a JSON object' });
  });
}

setInterval(() => broadcast(keepaliveFrame()), KEEPALIVE_MS).unref();

// Idle connections stay open as long as the API keeps them (KEEP_ALIVE_TIMEOUT_SECONDS).
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (req.method === 'GET' && path === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  if (req.method === 'GET' && path === '/stream') {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(CONNECTED_FRAME);
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return;
  }
  if (req.method === 'GET' && path === '/counts') {
    answer(res, 200, Object.fromEntries([...voters].map(([questionId, votes]) => [questionId, votes.size])));
    return;
  }
  if (req.method === 'POST' && path === '/publish') {
    readJson(req, res, (input) => answer(res, 200, { id: append(String(input.type), input.data ?? null) }));
    return;
  }
  if (req.method === 'POST' && path === '/upvote') {
    readJson(req, res, (input) => upvote(input, res));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
});

server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  console.log(`baseline SSE server (${format} frames) on http://${values.host}:${port}`);
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
