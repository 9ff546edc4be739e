import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Caller } from '../auth/credentials.js';
import type { Database } from '../db/schema.js';
import { DomainError, tooManyRequests } from '../errors.js';
import { countRateLimitRefusal } from '../observability/metrics.js';
import { findTenantBySlug } from '../tenants/repository.js';
import {
  BATCH_MAX_DEFAULT,
  type BudgetName,
  isOperatorBudget,
  RATE_LIMIT_DEFAULTS,
  type RateLimitSettings,
  WINDOW_SECONDS,
} from './budgets.js';
import { type LimitedCall, type LimitPolicy, limitsOf, type PlannedSpend } from './procedures.js';
import { type LimitStore, memoryStore } from './store.js';

/** One tRPC call, as the middleware sees it before the procedure runs, or one request of a limited route. */
export interface GuardedCall {
  /** The procedure's path (`auth.signIn`) or the route's (`/auth/sso/start`). */
  path: string;
  caller: Caller;
  clientAddress: string;
  db: Database;
  getRawInput(): Promise<unknown>;
}

/** One request of a route outside tRPC, with the input the route read from it. */
interface RouteCall {
  path: string;
  clientAddress: string;
  db: Database;
  input: unknown;
}

/** What a tRPC middleware's `next()` resolves to, as far as the limits care. */
type CallOutcome = { ok: true } | { ok: false; error: unknown };

interface Reservation {
  policy: LimitPolicy;
  limiter: RateLimiterAbstract;
  key: string;
  /** Points left after this call's: zero when it took the last one. */
  remaining: number;
}

const DAY_SECONDS = 24 * 60 * 60;
/** How many lockouts of one account a day remembers, to make each one last longer. */
const LOCKOUTS = { name: 'signInLockouts', points: 1_000_000, windowSeconds: DAY_SECONDS };
/** Keys longer than this (an email address can be 254 characters) are stored as their hash. */
const LONGEST_PLAIN_KEY = 100;

const storeKey = (key: string) =>
  key.length <= LONGEST_PLAIN_KEY ? key : createHash('sha256').update(key).digest('base64url');

function refusalOf(policy: LimitPolicy, rejection: unknown): DomainError {
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
  countRateLimitRefusal(policy.budget);
  const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  return tooManyRequests(`${policy.refusal}: try again in ${seconds} s`, seconds);
}

/** The error code a call ended with, whether a domain refusal or tRPC's own; undefined on success. */
function outcomeCode(outcome: CallOutcome): string | undefined {
  if (outcome.ok) return undefined;
  const { error } = outcome;
  if (error instanceof DomainError) return error.code;
  if (error instanceof Error && error.cause instanceof DomainError) return error.cause.code;
  return error instanceof TRPCError ? error.code : 'INTERNAL_SERVER_ERROR';
}

/** The seconds a refusal asks the client to wait, for `Retry-After` and the error's data. */
export function retryAfterOf(error: unknown): number | undefined {
  const cause = error instanceof TRPCError ? error.cause : error;
  return cause instanceof DomainError ? cause.retryAfterSeconds : undefined;
}

/**
 * Each call spends a point of every budget its procedure or route has (`PROCEDURE_LIMITS`,
 * `ROUTE_LIMITS`), or is refused.
 */
export class RateLimits {
  constructor(
    private readonly store: LimitStore,
    readonly settings: RateLimitSettings,
  ) {}

  /** Runs the call if its budgets allow it, and settles them by how it ended. */
  async guard<Outcome extends CallOutcome>(call: GuardedCall, run: () => Promise<Outcome>): Promise<Outcome> {
    const planner = this.settings.enabled ? limitsOf(call.path) : undefined;
    if (!planner) return run();
    const reserved = await this.reserve(await planner(await limitedCall(call)));
    const outcome = await run();
    await this.settle(reserved, outcomeCode(outcome));
    return outcome;
  }

  /**
   * An anonymous request of an HTTP route outside tRPC, within the limits of its path (its own in
   * `ROUTE_LIMITS`, or those of the procedure it stands for): the refusal or the work's failure is thrown.
   */
  async guardRoute<Result>(route: RouteCall, work: () => Promise<Result>): Promise<Result> {
    const call = { ...route, caller: { kind: 'anonymous' as const }, getRawInput: async () => route.input };
    const outcome = await this.guard(call, () =>
      work().then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    if (outcome.ok) return outcome.result;
    throw outcome.error;
  }

  /** Why a request carries too many calls (`/trpc/a,b,c?batch=1`), or undefined when it may run. */
  oversizedBatch(url: URL): string | undefined {
    if (url.searchParams.get('batch') !== '1') return undefined;
    const calls = decodeURIComponent(url.pathname).split(',').length;
    const { batchMax } = this.settings;
    return calls > batchMax
      ? `One request may carry at most ${batchMax} calls; this one has ${calls}`
      : undefined;
  }

  private limiter(budget: BudgetName, points: number): RateLimiterAbstract {
    return this.store.limiter({ name: budget, points, windowSeconds: WINDOW_SECONDS[budget] });
  }

  /** Spends a point of each budget, or gives back what it spent and refuses the call. */
  private async reserve(spends: PlannedSpend[]): Promise<Reservation[]> {
    const reserved: Reservation[] = [];
    for (const spend of spends) {
      const { policy } = spend;
      const limiter = this.limiter(policy.budget, this.pointsOf(spend));
      const key = storeKey(spend.key);
      try {
        const { remainingPoints } = await limiter.consume(key);
        reserved.push({ policy, limiter, key, remaining: remainingPoints });
      } catch (rejection) {
        await Promise.all(reserved.map((spent) => spent.limiter.reward(spent.key)));
        throw refusalOf(policy, rejection);
      }
    }
    return reserved;
  }

  private pointsOf({ policy: { budget }, points }: PlannedSpend): number {
    if (points !== undefined) return points;
    if (isOperatorBudget(budget)) return this.settings.points[budget];
    throw new Error(`${budget} is a tenant's limit: its calls must say how many points it has`);
  }

  /** Budgets that count failures only get their point back unless the call was refused that way. */
  private async settle(reserved: Reservation[], code: string | undefined): Promise<void> {
    for (const { policy, limiter, key, remaining } of reserved) {
      if (!policy.countsOnly) continue;
      if (code === policy.countsOnly) {
        if (policy.growingLockout && remaining === 0) await this.lockOut(policy, limiter, key);
      } else if (code === undefined && policy.resetOnSuccess) {
        await Promise.all([limiter.delete(key), this.store.limiter(LOCKOUTS).delete(key)]);
      } else {
        await limiter.reward(key);
      }
    }
  }

  /**
   * The points ran out: the first lockout of the day lasts until the window ends, each next one twice
   * as long as the one before, up to a day.
   */
  private async lockOut(policy: LimitPolicy, limiter: RateLimiterAbstract, key: string): Promise<void> {
    const { consumedPoints: lockouts } = await this.store.limiter(LOCKOUTS).consume(key);
    if (lockouts < 2) return;
    const seconds = Math.min(WINDOW_SECONDS[policy.budget] * 2 ** (lockouts - 1), DAY_SECONDS);
    await limiter.block(key, seconds);
  }
}

async function limitedCall(call: GuardedCall): Promise<LimitedCall> {
  return {
    // Unreadable input spends nothing: tRPC refuses it before the procedure runs.
    rawInput: await call.getRawInput().catch(() => undefined),
    caller: call.caller,
    clientAddress: call.clientAddress,
    findTenant: (slug) => findTenantBySlug(call.db, slug),
  };
}

/** `Retry-After` for a response whose calls were refused for a while: the longest wait among them. */
export function retryAfterHeaders(errors: readonly unknown[]): { headers?: Record<string, string> } {
  const seconds = Math.max(0, ...errors.map((error) => retryAfterOf(error) ?? 0));
  return seconds > 0 ? { headers: { 'retry-after': String(seconds) } } : {};
}

let processDefault: RateLimits | undefined;

/** The default limits, counted in this process, for a server made without a configuration of its own. */
export function defaultRateLimits(): RateLimits {
  processDefault ??= new RateLimits(memoryStore(), {
    enabled: true,
    points: { ...RATE_LIMIT_DEFAULTS },
    batchMax: BATCH_MAX_DEFAULT,
  });
  return processDefault;
}
