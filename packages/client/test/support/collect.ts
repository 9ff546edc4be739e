import { randomUUID } from 'node:crypto';
import { within } from '@pulsestage/test-harness/poll';
import { expect, vi } from 'vitest';
import type { EventStreamOptions, PulseStageClient, ReceivedEvent } from '../../src/index.js';
import type { DemoMeeting } from './accounts.js';

/** Reads a client's event stream in the background, keeping what it yields and how it ended. */
export class CollectedStream {
  readonly received: ReceivedEvent[] = [];
  error: unknown;
  ended = false;
  private readonly controller = new AbortController();
  private readonly finished: Promise<void>;

  constructor(client: PulseStageClient, options: Omit<EventStreamOptions, 'signal'>) {
    this.finished = this.read(client.events({ ...options, signal: this.controller.signal }));
  }

  /** The ids of the events received; presence, which is not stored, has none. */
  ids(): string[] {
    return this.received.flatMap(({ id }) => (id === undefined ? [] : [id]));
  }

  async waitForCount(count: number, timeoutMs = 5000): Promise<void> {
    await vi.waitFor(() => expect(this.received.length >= count || this.ended).toBe(true), {
      timeout: timeoutMs,
    });
    if (this.received.length < count)
      throw new Error(`the stream ended after ${this.received.length} events: ${String(this.error)}`);
  }

  /** Resolves once the iteration has ended, by itself or by an error. */
  async waitForEnd(timeoutMs: number): Promise<void> {
    await within(this.finished, timeoutMs, 'the event stream to end');
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.waitForEnd(5000);
  }

  private async read(events: AsyncIterable<ReceivedEvent>): Promise<void> {
    try {
      for await (const received of events) this.received.push(received);
    } catch (error) {
      this.error = error;
    } finally {
      this.ended = true;
    }
  }
}

/**
 * The id of the newest event of the meeting's tenant that `client` can see: the client submits probe
 * questions in the meeting until its stream shows one, so a stream resuming after that id misses
 * nothing that follows.
 */
export async function currentEventId(client: PulseStageClient, meeting: DemoMeeting): Promise<string> {
  const { tenant } = meeting;
  const stream = new CollectedStream(client, { tenant });
  try {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const body = `Probe ${randomUUID()}`;
      await client.question.submit.mutate({ ...meeting, body });
      const probe = await vi
        .waitFor(
          () => {
            const found = stream.received.find(
              ({ event }) => event.type === 'question:created' && event.data.body === body,
            );
            if (!found) throw new Error('the probe has not come through yet');
            return found;
          },
          { timeout: 1000 },
        )
        .catch(() => undefined);
      if (probe?.id) return probe.id;
    }
    throw new Error(`no probe question of ${tenant} came through the event stream: ${String(stream.error)}`);
  } finally {
    await stream.stop();
  }
}

/** The ids after `id`, one by one, as a stream numbers consecutive events. */
export function idsAfter(id: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(Number(id) + index + 1));
}
