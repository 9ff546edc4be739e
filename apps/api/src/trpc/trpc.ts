import { tenantScoped } from '@pulsestage/contracts';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { beginAuditEntry } from '../audit/recorder.js';
import { resolveTenantAccess } from '../auth/access.js';
import { isCrossSiteRequest } from '../auth/csrf.js';
import type { Permission } from '../auth/permissions.js';
import { DomainError, forbidden, unauthorized } from '../errors.js';
import { subscriptionErrorShape, TRPC_SSE_CONFIG } from '../events/stream/trpc-sse.js';
import { retryAfterOf } from '../limits/rate-limits.js';
import { timeMutation } from '../observability/metrics.js';
import type { Context } from './context.js';

export interface FieldIssue {
  path: string;
  message: string;
}

function describeIssues(error: ZodError): { message: string; issues: FieldIssue[] } {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }));
  return { message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues };
}

/** What a procedure declares about itself, for the middlewares to act on. */
export interface ProcedureMeta {
  /**
   * The mutation changes who may reach a tenant or with what role, so open streams check their
   * credentials again: `tenantProcedure` announces it for its tenant; sign-out, which names no tenant,
   * announces it for each of the caller's.
   */
  changesAccess?: boolean;
  /**
   * The mutation announces its events itself, once for a whole group of calls (upvotes are committed
   * in groups), so `tenantProcedure` does not announce after each call.
   */
  announcesItself?: boolean;
  /** What a tenant procedure needs of its caller's role (set by `tenantProcedure`). */
  permission?: Permission;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    isDev: false,
    sse: TRPC_SSE_CONFIG,
    errorFormatter({ shape, error }) {
      if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) {
        const { message, issues } = describeIssues(error.cause);
        return { ...shape, message, data: { ...shape.data, issues } };
      }
      if (error.code === 'INTERNAL_SERVER_ERROR') return { ...shape, message: 'Internal server error' };
      const retryAfterSeconds = retryAfterOf(error);
      if (retryAfterSeconds !== undefined) return { ...shape, data: { ...shape.data, retryAfterSeconds } };
      return shape;
    },
  });

export const router = t.router;

/** The error as tRPC serializes it on `events.subscribe`, for the streams the engine writes itself. */
export function subscriptionError(error: unknown) {
  return subscriptionErrorShape(t._config, toTRPCError(error));
}

export const createCallerFactory = t.createCallerFactory;

/** Domain refusals become tRPC errors with the same code and message; anything else stays internal. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) {
    return error.cause instanceof DomainError ? toTRPCError(error.cause) : error;
  }
  // The cause travels along: a rate limit's refusal carries its Retry-After seconds there.
  if (error instanceof DomainError)
    return new TRPCError({ code: error.code, message: error.message, cause: error });
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
}

const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) throw toTRPCError(result.error);
  return result;
});

const sameSiteMutations = t.middleware(({ ctx, type, next }) => {
  const bearer = Boolean(ctx.req.headers.authorization);
  if (type === 'mutation' && !bearer && isCrossSiteRequest(ctx.req.headers)) {
    throw forbidden('Cross-site requests are not allowed');
  }
  return next();
});

/** Each call, batched or not, spends the budgets its procedure has (`limits/procedures.ts`). */
const rateLimits = t.middleware(({ ctx, path, getRawInput, next }) =>
  ctx.limits.guard(
    { path, caller: ctx.caller, clientAddress: ctx.clientAddress, db: ctx.db, getRawInput },
    next,
  ),
);

/** Outermost, so a mutation's time and outcome include its refusals (limits, access, bad input). */
const mutationTimes = t.middleware(({ type, path, next }) =>
  type === 'mutation' ? timeMutation(path, next) : next(),
);

export const publicProcedure = t.procedure
  .use(mutationTimes)
  .use(domainErrors)
  .use(sameSiteMutations)
  .use(rateLimits);

export const signedInProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.credentialError) throw ctx.credentialError;
  if (ctx.caller.kind !== 'user') throw unauthorized('Sign in to continue');
  return next({ ctx: { caller: ctx.caller } });
});

/**
 * A procedure inside one tenant: input carries `tenant` and the caller must hold `permission` there.
 * A moderator's or admin's mutation is written to the audit log once it succeeded. After a mutation
 * every instance is told to read the tenant's outbox (unless the procedure `announcesItself`), and to
 * check open streams' access again when the procedure declares `changesAccess`.
 */
export function tenantProcedure(permission: Permission) {
  return publicProcedure
    .meta({ permission })
    .input(z.object({ tenant: tenantScoped.shape.tenant }))
    .use(async ({ ctx, input, type, meta, path, getRawInput, next }) => {
      if (ctx.credentialError) throw ctx.credentialError;
      const access = await resolveTenantAccess(ctx.db, ctx.caller, input.tenant, permission);
      const audit =
        type === 'mutation'
          ? await beginAuditEntry(ctx.db, ctx.caller, access, path, await getRawInput())
          : null;
      const result = await next({ ctx: { access } });
      if (type === 'mutation' && result.ok) {
        await audit?.(result.data);
        if (!meta?.announcesItself) await ctx.hub.announce(access.tenant.id);
        if (meta?.changesAccess) await ctx.hub.announceAccessChange(access.tenant.id);
      }
      return result;
    });
}
