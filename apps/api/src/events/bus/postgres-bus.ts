import pg from 'pg';
import { countBusReconnect } from '../../observability/metrics.js';
import { BUS_CHANNEL, type BusMessage, decodeBusMessage, type EventBus, encodeBusMessage } from './bus.js';

const RECONNECT_DELAY_MS = 1000;

/** Fan-out between instances with PostgreSQL LISTEN/NOTIFY on one dedicated connection. */
export class PostgresBus implements EventBus {
  private readonly listeners: ((message: BusMessage) => void)[] = [];
  private readonly publisher: pg.Pool;
  private listener: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.publisher = new pg.Pool({ connectionString: url, max: 2 });
    this.publisher.on('error', (error) => log('event bus publisher connection failed', error));
  }

  static async connect(url: string, log: (message: string, error?: unknown) => void): Promise<PostgresBus> {
    const bus = new PostgresBus(url, log);
    await bus.listen();
    return bus;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', ({ payload }) => {
      const message = payload && decodeBusMessage(payload);
      if (message) for (const listener of this.listeners) listener(message);
    });
    client.on('error', (error) => {
      client.end().catch(() => {});
      if (this.listener !== client) return;
      this.log('event bus listener connection lost; reconnecting', error);
      this.listener = undefined;
      this.scheduleListen();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${BUS_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    this.listener = client;
  }

  /** Retries until listening again; meanwhile the hub's poll keeps events flowing, only slower. */
  private scheduleListen(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(async () => {
      this.retry = undefined;
      if (this.closed) return;
      try {
        await this.listen();
        countBusReconnect('postgres');
      } catch (error) {
        this.log('event bus could not listen yet; retrying', error);
        this.scheduleListen();
      }
    }, RECONNECT_DELAY_MS);
    this.retry.unref();
  }

  async publish(message: BusMessage): Promise<void> {
    await this.publisher.query('SELECT pg_notify($1, $2)', [BUS_CHANNEL, encodeBusMessage(message)]);
  }

  onMessage(listener: (message: BusMessage) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.listener?.end();
    await this.publisher.end();
  }
}
