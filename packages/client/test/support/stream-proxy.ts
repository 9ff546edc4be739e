import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const STREAM_PATH = '/trpc/events.subscribe';

interface StreamRequest {
  /** The id the request resumes after: its Last-Event-ID header, else the `lastEventId` of its input. */
  resumesAfter: string | undefined;
  status: number;
}

function resumeIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string') return header;
  const input = new URL(req.url ?? '/', 'http://proxy').searchParams.get('input');
  const parsed: { lastEventId?: string } | null = input ? JSON.parse(input) : null;
  return parsed?.lastEventId;
}

/**
 * An HTTP proxy in front of the API, as a load balancer would be, that can cut the event streams it
 * carries and answer the next stream requests with an error status of its own.
 */
export class StreamProxy {
  readonly streamRequests: StreamRequest[] = [];
  private readonly refusals: number[] = [];
  private readonly openStreams = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private target: string,
  ) {}

  static async start(target: string): Promise<StreamProxy> {
    const server = createServer();
    const proxy = new StreamProxy(server, target);
    server.on('request', (req, res) => proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get openStreamCount(): number {
    return this.openStreams.size;
  }

  refuseNextStreams(...statuses: number[]): void {
    this.refusals.push(...statuses);
  }

  /** Sends every later request to `target`, as a load balancer moving traffic to another instance. */
  routeTo(target: string): void {
    this.target = target;
  }

  /** Drops every open event stream, as a network failure would. */
  cutStreams(): void {
    for (const res of this.openStreams) res.destroy();
  }

  async close(): Promise<void> {
    this.cutStreams();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const isStream = new URL(req.url ?? '/', 'http://proxy').pathname === STREAM_PATH;
    const refusal = isStream ? this.refusals.shift() : undefined;
    if (isStream) this.streamRequests.push({ resumesAfter: resumeIdOf(req), status: refusal ?? 200 });
    if (refusal) {
      res.writeHead(refusal, { 'content-type': 'text/plain' }).end('refused by the proxy');
      return;
    }
    if (isStream) {
      this.openStreams.add(res);
      res.on('close', () => this.openStreams.delete(res));
    }
    this.forward(req, res);
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request(new URL(req.url ?? '/', this.target), {
      method: req.method,
      headers: req.headers,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}
