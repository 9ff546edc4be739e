import type { AppRouter } from '@pulsestage/api/router';
import { BATCH_MAX } from '@pulsestage/contracts/limits';
import { httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterInputs } from '@trpc/server';

export const trpc = createTRPCReact<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;

/** Same-origin calls: the session (or display) cookie travels with every request and the event stream. */
export function createTrpcClient() {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (operation) => operation.type === 'subscription',
        true: httpSubscriptionLink({ url: '/trpc' }),
        false: httpBatchLink({ url: '/trpc', maxItems: BATCH_MAX }),
      }),
    ],
  });
}

/**
 * Sends a call as the page goes away (tab closed, navigated off): a beacon outlives the page, an
 * ordinary request would be cut off with it. Its answer is never read.
 */
export function sendOnLeave<
  Router extends keyof RouterInputs & string,
  Procedure extends keyof RouterInputs[Router] & string,
>(router: Router, procedure: Procedure, input: RouterInputs[Router][Procedure]): void {
  const body = new Blob([JSON.stringify(input)], { type: 'application/json' });
  navigator.sendBeacon(`/trpc/${router}.${procedure}`, body);
}
