import type { AppRouter } from '@pulsestage/api/router';
import { type MeetingPresenceEvent, type StreamEvent, streamConflationKey } from '@pulsestage/contracts';
import type { TRPCClient } from '@trpc/client';
import type { inferRouterInputs } from '@trpc/server';
import { asAccessDenied, httpStatusOf, isPulseStageError } from './errors.js';
import { Inbox } from './inbox.js';

type SubscribeInput = inferRouterInputs<AppRouter>['events']['subscribe'];
type Subscribe = TRPCClient<AppRouter>['events']['subscribe']['subscribe'];

export interface EventStreamOptions extends Omit<SubscribeInput, 'lastEventId'> {
  /**
   * Resume after this event id: the `id` of the last event a previous stream yielded. Without it the
   * stream starts at the tenant's current position, learned before it opens.
   */
  lastEventId?: string;
  /** Ends the stream: iteration stops without an error. */
  signal?: AbortSignal;
  /** Called each time the stream is open: every event committed from then on reaches this iterator. */
  onConnected?: () => void;
}

/** The id of the tenant's newest event: a stream resuming after it misses nothing that follows. */
export type CurrentPosition = (tenant: string) => Promise<string>;

/**
 * One event of a tenant stream, with the id to resume after it; presence (`meeting:presence.v1`, on
 * streams filtered on a meeting) is not stored and has no id.
 */
export type ReceivedEvent =
  | { id: string; event: StreamEvent }
  | { id?: undefined; event: MeetingPresenceEvent };

const FIRST_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 15_000;

/**
 * Whether subscribing again from the last id can help. tRPC's link already reconnects by itself after
 * network failures and 5xx errors; what reaches here ended the subscription: an HTTP failure of the
 * stream request (a proxy's 502, say), or the server cutting a consumer that fell too far behind.
 */
function isTransient(error: unknown): boolean {
  if (!isPulseStageError(error)) return false;
  const code = error.data?.code;
  if (code) return code === 'TOO_MANY_REQUESTS';
  const status = httpStatusOf(error);
  return status === undefined || status >= 500 || status === 408 || status === 429;
}

/** Waits `ms`, or less if `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One tRPC subscription: its events until it completes, fails, or `signal` aborts it. */
function subscribeOnce(
  subscribe: Subscribe,
  input: SubscribeInput,
  { signal, onConnected }: Pick<EventStreamOptions, 'signal' | 'onConnected'>,
) {
  const inbox = new Inbox<ReceivedEvent>((received) => streamConflationKey(received.event));
  const subscription = subscribe(input, {
    onStarted: () => onConnected?.(),
    onData: (received) =>
      inbox.push('id' in received ? { id: received.id, event: received.data } : { event: received }),
    onError: (error) => inbox.fail(error),
    onComplete: () => inbox.end(),
  });
  const stop = () => inbox.end();
  signal?.addEventListener('abort', stop, { once: true });
  return {
    events: inbox.values(),
    close: () => {
      signal?.removeEventListener('abort', stop);
      subscription.unsubscribe();
    },
  };
}

/**
 * A tenant's events as an async iterable. It always knows its position: from `lastEventId`, or
 * learned from the API before the stream opens, and then the last id it yielded; so reconnections
 * (a restart, another instance) lose and repeat nothing, even before the first event. A refused token
 * ends it with an AccessDeniedError, any other refusal with the API's error; aborting `signal` (or
 * leaving the loop) ends it quietly.
 */
export async function* streamEvents(
  subscribe: Subscribe,
  position: CurrentPosition,
  options: EventStreamOptions,
): AsyncGenerator<ReceivedEvent, void, undefined> {
  const { signal, lastEventId, onConnected, ...input } = options;
  let resumeAfter = lastEventId;
  let retryDelay = FIRST_RETRY_DELAY_MS;
  while (!signal?.aborted) {
    let subscription: ReturnType<typeof subscribeOnce> | undefined;
    try {
      resumeAfter ??= await position(input.tenant);
      subscription = subscribeOnce(
        subscribe,
        { ...input, lastEventId: resumeAfter },
        { signal, onConnected },
      );
      for await (const received of subscription.events) {
        if (signal?.aborted) return;
        resumeAfter = received.id ?? resumeAfter;
        retryDelay = FIRST_RETRY_DELAY_MS;
        yield received;
      }
      return;
    } catch (error) {
      if (!isTransient(error)) throw asAccessDenied(error) ?? error;
    } finally {
      subscription?.close();
    }
    await pause(retryDelay, signal);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
  }
}
