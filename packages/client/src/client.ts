import type { AppRouter } from '@pulsestage/api/router';
import { BATCH_MAX } from '@pulsestage/contracts/limits';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import { HttpStatusError } from './errors.js';
import { type EventStreamOptions, type ReceivedEvent, streamEvents } from './events.js';

export interface PulseStageClientOptions {
  /** Where the API is served, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** A service token (`pst_…`), sent as `Authorization: Bearer` on every request. */
  token: string;
}

/** Every query and mutation of the API, typed; `events` is the tenant's live event stream. */
export type PulseStageClient = Omit<TRPCClient<AppRouter>, 'events'> & {
  events(options: EventStreamOptions): AsyncGenerator<ReceivedEvent, void, undefined>;
};

function trpcUrl(baseUrl: string): string {
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new TypeError(`baseUrl: expected an http(s) URL such as http://localhost:3000, got "${baseUrl}"`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL('trpc', url).toString();
}

function authorizationOf(token: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new TypeError('token: expected a service token (pst_…), without spaces or line breaks');
  }
  return `Bearer ${token}`;
}

/** `fetch` for queries and mutations: a failed response that is not JSON keeps its status in the error. */
const fetchKeepingStatus: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (!response.ok && !response.headers.get('content-type')?.includes('json')) {
    await response.body?.cancel();
    throw new HttpStatusError(response.status);
  }
  return response;
};

/** eventsource's `fetch`, with the token added to the stream request and each of its reconnections. */
function fetchWithAuthorization(authorization: string): FetchLike {
  return (url, init) => fetch(url, { ...init, headers: { ...init.headers, Authorization: authorization } });
}

/** The tRPC client, with its `events` namespace replaced by the resuming event stream. */
function withEventStream(trpc: TRPCClient<AppRouter>): PulseStageClient {
  const position = async (tenant: string) => String((await trpc.tenant.get.query({ tenant })).sequence);
  const events = (options: EventStreamOptions) =>
    streamEvents(trpc.events.subscribe.subscribe, position, options);
  const client = new Proxy(trpc, {
    get: (target, property, receiver) =>
      property === 'events' ? events : Reflect.get(target, property, receiver),
  });
  // The proxy answers like the tRPC client for every property but `events`, which `get` supplies.
  return client as unknown as PulseStageClient;
}

/** A typed client of the PulseStage API for services, authenticated by a service token. */
export function createPulseStageClient({ baseUrl, token }: PulseStageClientOptions): PulseStageClient {
  const url = trpcUrl(baseUrl);
  const authorization = authorizationOf(token);
  const trpc = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: { fetch: fetchWithAuthorization(authorization) },
        }),
        false: httpBatchLink({
          url,
          headers: { Authorization: authorization },
          fetch: fetchKeepingStatus,
          // The server refuses a request of more calls as a whole.
          maxItems: BATCH_MAX,
        }),
      }),
    ],
  });
  return withEventStream(trpc);
}
