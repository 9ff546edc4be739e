import { eventsSubscribeInput } from '@pulsestage/contracts';
import { tracked } from '@trpc/server';
import { router, tenantProcedure, toTRPCError } from '../../trpc/trpc.js';
import { ItemSink } from './sinks.js';
import { subscribeRequest } from './subscription.js';

/** How far an in-process consumer may fall behind before its stream ends and it must resubscribe. */
const MAX_QUEUED_ITEMS = 10_000;

async function* trackedItems(sink: ItemSink) {
  try {
    for await (const item of sink.drain())
      yield item.id === undefined ? item.event : tracked(item.id, item.event);
  } catch (error) {
    throw toTRPCError(error);
  }
}

export const eventsRouter = router({
  /**
   * Over HTTP the stream engine serves this path itself (see http/stream-endpoints.ts) with the same
   * checks and the same events; this resolver serves tRPC's own producer and in-process callers.
   */
  subscribe: tenantProcedure('read')
    .input(eventsSubscribeInput)
    .subscription(async ({ ctx, input, signal }) => {
      const { caller, credentials } = ctx;
      const request = subscribeRequest(ctx.db, ctx.access, { caller, credentials }, input);
      await ctx.engine.checkRequest(request);
      const release = ctx.streamLimits?.admit(caller, ctx.clientAddress);
      const sink = new ItemSink(MAX_QUEUED_ITEMS, signal);
      if (release) {
        // A consumer that leaves before reading anything never runs the sink's close.
        sink.onClose(release);
        signal?.addEventListener('abort', release, { once: true });
      }
      await ctx.engine.subscribe(request, sink);
      return trackedItems(sink);
    }),
});
