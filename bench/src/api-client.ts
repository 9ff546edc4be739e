/**
 * Plain-JSON tRPC calls over node:http (no tRPC client): what any HTTP client would send. Each call
 * reports when it was sent and when its response had fully arrived, on the shared monotonic clock.
 */
import { type Agent, request } from 'node:http';
import { DEMO_PASSWORD, sessionCookieOf } from '@pulsestage/test-harness/accounts';
import { monotonicMs } from './protocol.js';

const REQUEST_TIMEOUT_MS = 30_000;

interface Timed<T> {
  data: T;
  sentAt: number;
  respondedAt: number;
}

export class CallError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${path} answered HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

interface RawResponse {
  status: number;
  body: string;
  setCookie: string[];
  sentAt: number;
  respondedAt: number;
}

/** One HTTP request with a deadline; resolves with whatever status came back. */
export function httpRequest(
  agent: Agent,
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        agent,
        method,
        timeout: REQUEST_TIMEOUT_MS,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie'] ?? [];
          done({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            setCookie,
            sentAt,
            respondedAt: monotonicMs(),
          });
        });
        res.on('error', fail);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${url}: no response within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', fail);
    const sentAt = monotonicMs();
    req.end(body);
  });
}

/** A signed-in (or anonymous) caller of the API's tRPC procedures. */
export class ApiClient {
  cookie: string | undefined;

  constructor(
    readonly base: string,
    readonly agent: Agent,
  ) {}

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    return headers;
  }

  mutation<T>(path: string, input: unknown): Promise<Timed<T>> {
    return this.call(path, 'POST', input);
  }

  query<T>(path: string, input: unknown): Promise<Timed<T>> {
    return this.call(path, 'GET', input);
  }

  private async call<T>(path: string, method: 'GET' | 'POST', input: unknown): Promise<Timed<T>> {
    const json = JSON.stringify(input);
    const response =
      method === 'POST'
        ? await httpRequest(this.agent, `${this.base}/trpc/${path}`, method, this.headers(), json)
        : await httpRequest(
            this.agent,
            `${this.base}/trpc/${path}?input=${encodeURIComponent(json)}`,
            method,
            this.headers(),
          );
    // Keep the session cookie the server sets (sign-in, sign-up, sliding renewal).
    this.cookie = sessionCookieOf(response.setCookie) ?? this.cookie;
    if (response.status !== 200) throw new CallError(path, response.status, response.body);
    const parsed = JSON.parse(response.body) as { result?: { data?: T } };
    return { data: parsed.result?.data as T, sentAt: response.sentAt, respondedAt: response.respondedAt };
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<this> {
    await this.mutation('auth.signIn', { email, password });
    if (!this.cookie) throw new Error(`signing in as ${email} set no session cookie`);
    return this;
  }
}

/** The meeting a benchmark asks, votes and listens in. */
export interface MeetingRef {
  tenant: string;
  meetingId: string;
}

/**
 * The URL and headers of an event stream of one meeting, for the load processes: every subscriber
 * filters on the meeting, as the web app's meeting pages do.
 */
export function streamTarget(
  base: string,
  transport: 'trpc' | 'events',
  cookie: string | undefined,
  meeting: MeetingRef,
): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (cookie) headers.cookie = cookie;
  const url =
    transport === 'trpc'
      ? `${base}/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify(meeting))}`
      : `${base}/events?${new URLSearchParams({ ...meeting })}`;
  return { url, headers };
}
