import { Redis } from 'ioredis';
import { countBusReconnect } from '../../observability/metrics.js';
import { BUS_CHANNEL, type BusMessage, decodeBusMessage, type EventBus, encodeBusMessage } from './bus.js';

/** Fan-out between instances with Redis pub/sub: one connection publishes, one subscribes. */
export class RedisBus implements EventBus {
  private readonly listeners: ((message: BusMessage) => void)[] = [];

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    subscriber.on('message', (_channel: string, text: string) => {
      const message = decodeBusMessage(text);
      if (message) for (const listener of this.listeners) listener(message);
    });
    // Both connected before this: every later `ready` is a lost connection re-established.
    for (const connection of [publisher, subscriber])
      connection.on('ready', () => countBusReconnect('redis'));
  }

  static async connect(url: string, log: (message: string, error?: unknown) => void): Promise<RedisBus> {
    const options = { lazyConnect: true, maxRetriesPerRequest: 3 };
    const publisher = new Redis(url, options);
    const subscriber = new Redis(url, options);
    for (const connection of [publisher, subscriber]) {
      connection.on('error', (error) => log('event bus connection to Redis failed', error));
    }
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(BUS_CHANNEL);
    return new RedisBus(publisher, subscriber);
  }

  async publish(message: BusMessage): Promise<void> {
    await this.publisher.publish(BUS_CHANNEL, encodeBusMessage(message));
  }

  onMessage(listener: (message: BusMessage) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.publisher.quit();
  }
}
