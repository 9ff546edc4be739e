import { connect, createServer, type Server, type Socket } from 'node:net';
import { listeningPort } from './net.js';

/** One client connection through a TcpProxy. */
export interface ProxiedConnection {
  readonly index: number;
  /** The side that closed the connection first, or the proxy when a test cut it. */
  closedBy: 'client' | 'server' | 'proxy' | undefined;
  /** Server bytes the client was not given because of a stall (latin1, so byte for byte). */
  held: string;
  /** From now on, server bytes are read and held, never passed on; both sockets stay open. */
  stall(): void;
}

/**
 * Rewrites the start of what the server sends on one connection: called with everything received so
 * far (latin1) until it returns the text to pass on; undefined asks for more bytes.
 */
export type OpeningRewrite = (received: string) => string | undefined;

export interface TcpProxyOptions {
  /** The rewrite for the connection with this index, if any. */
  rewriteOpening?: (index: number) => OpeningRewrite | undefined;
}

/** Past this many held bytes, an opening the rewrite still waits on is passed on unchanged. */
const MAX_OPENING_BYTES = 64 * 1024;

interface Pair {
  client: Socket;
  upstream: Socket;
  connection: ProxiedConnection;
}

/**
 * A TCP forwarder on 127.0.0.1 in front of a server (Redis, the API), so a test can cut connections,
 * refuse new ones for a while, stall one, rewrite what a server says first, or send later connections
 * elsewhere as a load balancer does: an outage that touches no other client.
 */
export class TcpProxy {
  /** While false, every new connection is reset as soon as it arrives. */
  accepting = true;
  readonly connections: ProxiedConnection[] = [];
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly server: Server,
    private target: URL,
    private readonly options: TcpProxyOptions,
  ) {}

  /** Forwards to `targetUrl` (`http://host:port`, `redis://host:port`). */
  static async start(targetUrl: string, options: TcpProxyOptions = {}): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, new URL(targetUrl), options);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  get port(): number {
    return listeningPort(this.server);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Sends later connections to another server, as a load balancer does when an instance stops. */
  retarget(targetUrl: string): void {
    this.target = new URL(targetUrl);
  }

  /** Local ports of the forwarded connections to the target, as the target sees them. */
  upstreamPorts(): Set<number> {
    const ports = new Set<number>();
    for (const { upstream } of this.pairs) if (upstream.localPort) ports.add(upstream.localPort);
    return ports;
  }

  /** Resets every forwarded connection; returns how many there were. */
  cut(): number {
    const count = this.pairs.size;
    for (const { client, upstream, connection } of this.pairs) {
      connection.closedBy ??= 'proxy';
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    return count;
  }

  async close(): Promise<void> {
    this.accepting = false;
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (!this.accepting) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(this.target.port), this.target.hostname);
    let stalled = false;
    const connection: ProxiedConnection = {
      index: this.connections.length,
      closedBy: undefined,
      held: '',
      stall: () => {
        stalled = true;
      },
    };
    this.connections.push(connection);
    const pair = { client, upstream, connection };
    this.pairs.add(pair);
    const forward = this.forwarder(client, this.options.rewriteOpening?.(connection.index));
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (stalled) connection.held += chunk.toString('latin1');
      else forward(chunk);
    });
    client.on('close', () => {
      connection.closedBy ??= 'client';
      this.pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => {
      connection.closedBy ??= 'server';
      this.pairs.delete(pair);
      if (stalled) client.destroy();
      else client.end();
    });
    for (const socket of [client, upstream]) socket.on('error', () => socket.destroy());
  }

  /** Passes server bytes to `client`, through `rewrite` until it has rewritten the opening. */
  private forwarder(client: Socket, rewrite: OpeningRewrite | undefined): (chunk: Buffer) => void {
    let opening: string | undefined = rewrite ? '' : undefined;
    return (chunk) => {
      if (opening === undefined || !rewrite) {
        client.write(chunk);
        return;
      }
      opening += chunk.toString('latin1');
      const rewritten = rewrite(opening) ?? (opening.length >= MAX_OPENING_BYTES ? opening : undefined);
      if (rewritten === undefined) return;
      opening = undefined;
      client.write(Buffer.from(rewritten, 'latin1'));
    };
  }
}
