import type { ServerResponse } from 'node:http';
import { enqueueConflated, streamConflationKey } from '@pulsestage/contracts';
import { type DomainError, tooManyRequests } from '../../errors.js';
import type { StreamItem } from './encoded.js';
import { type Framing, SSE_HEADERS } from './frames.js';
import { serializedErrorFrame } from './trpc-sse.js';

/** Where one subscriber's events go: text frames written to a socket, or items handed to an iterator. */
interface SinkControl {
  /** Called once the subscriber is in its room: from then on nothing committed can be missed. */
  start(): void;
  /** Resolves when the consumer has taken most of what it was given (used while backfilling). */
  waitForRoom(): Promise<void>;
  end(error?: DomainError): void;
  /** Cuts the stream at once; the client resumes from the last id it received. */
  abort(): void;
  onClose(listener: () => void): void;
}

export type StreamSink =
  | (SinkControl & {
      readonly encoding: Framing;
      /** Writes frames; false when the consumer had already fallen too far behind. */
      write(frames: string): boolean;
    })
  | (SinkControl & {
      readonly encoding: 'items';
      push(item: StreamItem): boolean;
    });

/** Runs close listeners once, including ones added after the close. */
class CloseSignal {
  private listeners: (() => void)[] = [];
  closed = false;

  add(listener: () => void): void {
    if (this.closed) queueMicrotask(listener);
    else this.listeners.push(listener);
  }

  fire(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.listeners) listener();
    this.listeners = [];
  }
}

/**
 * Writes frames straight to the HTTP response. The socket's buffer is the only queue: once a slow
 * consumer lets it grow past `maxBufferedBytes`, `write` says so and the engine cuts the connection,
 * so one slow phone never holds memory or slows anyone else; it resumes from its last id.
 */
export class HttpSink {
  private readonly close = new CloseSignal();

  constructor(
    private readonly res: ServerResponse,
    readonly encoding: Framing,
    private readonly opening: string,
    private readonly maxBufferedBytes: number,
    private readonly serializeError: (error: DomainError) => unknown,
  ) {
    res.on('close', () => this.close.fire());
  }

  start(): void {
    this.res.writeHead(200, SSE_HEADERS);
    this.res.write(this.opening);
  }

  /** Judged before writing: a large batch to a reader that keeps up is fine, a backlog is not. */
  write(frames: string): boolean {
    if (this.close.closed) return true;
    if (this.res.writableLength > this.maxBufferedBytes) return false;
    this.res.write(frames);
    return true;
  }

  waitForRoom(): Promise<void> {
    if (this.close.closed || this.res.writableLength <= this.maxBufferedBytes) return Promise.resolve();
    return new Promise((resolve) => {
      this.res.once('drain', resolve);
      this.close.add(resolve);
    });
  }

  /** With an error, a tRPC client gets it typed and stops; a plain EventSource reconnects and is refused. */
  end(error?: DomainError): void {
    if (error && this.encoding === 'trpc') this.res.write(serializedErrorFrame(this.serializeError(error)));
    this.res.end();
  }

  abort(): void {
    this.res.destroy();
  }

  onClose(listener: () => void): void {
    this.close.add(listener);
  }
}

/** Hands items to one async consumer (tRPC's own producer, an in-process caller), bounded in count. */
export class ItemSink {
  readonly encoding = 'items';
  private items: StreamItem[] = [];
  private wake: (() => void) | undefined;
  private roomFreed: (() => void) | undefined;
  private done = false;
  private failure: DomainError | undefined;
  private readonly close = new CloseSignal();

  constructor(
    private readonly maxItems: number,
    signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', () => this.finish(), { once: true });
  }

  /** tRPC's producer writes its own `connected` frame. */
  start(): void {}

  push(item: StreamItem): boolean {
    if (this.items.length >= this.maxItems) return false;
    enqueueConflated(this.items, item, (queued) => streamConflationKey(queued.event));
    this.wake?.();
    return true;
  }

  async waitForRoom(): Promise<void> {
    while (!this.close.closed && this.items.length >= this.maxItems / 2) {
      await new Promise<void>((resolve) => {
        this.roomFreed = resolve;
        this.close.add(resolve);
      });
    }
  }

  end(error?: DomainError): void {
    this.failure = error;
    this.finish();
  }

  abort(): void {
    this.end(tooManyRequests('The stream fell too far behind; subscribe again from the last event id'));
  }

  onClose(listener: () => void): void {
    this.close.add(listener);
  }

  async *drain(): AsyncGenerator<StreamItem> {
    try {
      for (;;) {
        const batch = this.items;
        this.items = [];
        this.roomFreed?.();
        yield* batch;
        if (this.done && this.items.length === 0) break;
        if (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
      if (this.failure) throw this.failure;
    } finally {
      this.close.fire();
    }
  }

  private finish(): void {
    this.done = true;
    this.wake?.();
  }
}
