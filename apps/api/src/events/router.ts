import { eventsSubscribeInput, resolveVersions } from '@pulsestage/contracts';
import { tracked } from '@trpc/server';
import { currentRole } from '../auth/access.js';
import { router, tenantProcedure, toTRPCError } from '../trpc/trpc.js';
import { openTenantStream, parseLastEventId, type StreamItem } from './stream.js';

async function* trackedItems(stream: AsyncGenerator<StreamItem>) {
  try {
    for await (const item of stream) yield tracked(item.id, item.event);
  } catch (error) {
    throw toTRPCError(error);
  }
}

export const eventsRouter = router({
  /** Opening errors (bad lastEventId, no access) are answered before the stream starts. */
  subscribe: tenantProcedure('read')
    .input(eventsSubscribeInput)
    .subscription(async ({ ctx, input, signal }) => {
      const stream = await openTenantStream(ctx, {
        tenant: ctx.access.tenant,
        role: ctx.access.actor.role,
        recheckAccess: () => currentRole(ctx.db, ctx.credentials, ctx.access.tenant.slug),
        lastEventId: parseLastEventId(input.lastEventId),
        versions: resolveVersions(input.versions),
        signal: signal ?? new AbortController().signal,
      });
      return trackedItems(stream);
    }),
});
