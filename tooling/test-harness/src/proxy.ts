import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder on 127.0.0.1 in front of a server (Redis, the API), so a test can cut one process's
 * connections to it and refuse new ones for a while: an outage that touches no other client.
 */
export class TcpProxy {
  /** While false, every new connection is reset as soon as it arrives. */
  accepting = true;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();

  private constructor(private readonly server: Server) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
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
    for (const { client, upstream } of this.pairs) {
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

  private accept(client: Socket, targetHost: string, targetPort: number): void {
    if (!this.accepting) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
