import { EventEmitter } from 'node:events';
import type { BusMessage, EventBus } from './bus.js';

/** The default: one process, no network. */
export class InProcessBus implements EventBus {
  private readonly emitter = new EventEmitter();

  async publish(message: BusMessage): Promise<void> {
    this.emitter.emit('message', message);
  }

  onMessage(listener: (message: BusMessage) => void): void {
    this.emitter.on('message', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
