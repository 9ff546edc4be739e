import type { BusTarget } from '../../config.js';
import type { EventBus } from './bus.js';
import { InProcessBus } from './in-process-bus.js';
import { PostgresBus } from './postgres-bus.js';
import { RedisBus } from './redis-bus.js';

type Log = (message: string, error?: unknown) => void;

export async function connectBus(target: BusTarget, log: Log): Promise<EventBus> {
  switch (target.kind) {
    case 'memory':
      return new InProcessBus();
    case 'postgres':
      return PostgresBus.connect(target.url, log);
    case 'redis':
      return RedisBus.connect(target.url, log);
  }
}
