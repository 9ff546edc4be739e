import { createTRPCClient, httpSubscriptionLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import { expect, vi } from 'vitest';
import type { AppRouter } from '../src/router.js';

interface TrpcRequestRecord {
  url: string;
  /** The Last-Event-ID header the EventSource sent (it does so on its own reconnections). */
  lastEventIdHeader: string | undefined;
  at: number;
  /** The response's headers, once it began (a proxy in front may say which instance answered). */
  responseHeaders?: Headers;
}

/**
 * The typed client's `events.subscribe` over `httpSubscriptionLink` with the `eventsource` package, as
 * the web app uses it. Each HTTP request the EventSource makes (its first connection and every automatic
 * reconnection) goes to whatever `target` says at that moment, like a load balancer would send it.
 */
export class TrpcSubscriber {
  readonly events: { id: string; data: unknown; receivedAt: number }[] = [];
  readonly requests: TrpcRequestRecord[] = [];
  readonly errors: string[] = [];
  private subscription: { unsubscribe(): void } | undefined;

  constructor(
    private readonly options: { cookie: string; tenant: string; lastEventId?: string; target: () => string },
  ) {}

  start(): void {
    const { cookie, target } = this.options;
    const route = async (url: string | URL, init: RequestInit) => {
      const routed = new URL(url);
      routed.host = new URL(target()).host;
      const headers = new Headers(init.headers);
      const record: TrpcRequestRecord = {
        url: routed.toString(),
        lastEventIdHeader: headers.get('last-event-id') ?? undefined,
        at: Date.now(),
      };
      this.requests.push(record);
      headers.set('cookie', cookie);
      const response = await fetch(routed, { ...init, headers });
      record.responseHeaders = response.headers;
      return response;
    };
    const client = createTRPCClient<AppRouter>({
      links: [
        httpSubscriptionLink({
          url: `${target()}/trpc`,
          EventSource,
          eventSourceOptions: () => ({ fetch: route }),
        }),
      ],
    });
    this.subscription = client.events.subscribe.subscribe(
      { tenant: this.options.tenant, lastEventId: this.options.lastEventId },
      {
        // Only stored events have ids; this unfiltered stream never gets presence, which has none.
        onData: (item) => {
          if ('id' in item) this.events.push({ id: item.id, data: item.data, receivedAt: Date.now() });
        },
        onError: (error) => this.errors.push(error.message),
      },
    );
  }

  ids(): number[] {
    return this.events.map((event) => Number(event.id));
  }

  async waitForId(seq: number, timeoutMs: number): Promise<void> {
    await vi.waitFor(() => expect(Number(this.events.at(-1)?.id ?? 0)).toBeGreaterThanOrEqual(seq), {
      timeout: timeoutMs,
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}
