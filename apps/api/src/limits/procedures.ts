import {
  createServiceTokenInput,
  joinCodeInput,
  joinWithCodeInput,
  type meetingScoped,
  notificationEmailLinkInput,
  pulseLinkResponseInput,
  questionInput,
  questionSimilarInput,
  questionSubmitInput,
  SSO_START_PATH,
  signInInput,
  signUpInput,
  tenantScoped,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { Caller } from '../auth/credentials.js';
import type { TenantRecord } from '../tenants/repository.js';
import type { BudgetName } from './budgets.js';

/** The call as the limits see it before the procedure runs. */
export interface LimitedCall {
  rawInput: unknown;
  caller: Caller;
  clientAddress: string;
  findTenant(slug: string): Promise<TenantRecord | undefined>;
}

/** The key a call spends a point of, and the tenant's own limit for tenant budgets. */
export interface Spend {
  key: string;
  points?: number;
}

type SignInInput = z.output<typeof signInInput>;
type JoinWithCodeInput = z.output<typeof joinWithCodeInput>;
type TenantScoped = z.output<typeof tenantScoped>;
type MeetingScoped = z.output<typeof meetingScoped>;

/** How a limit counts and what its refusal says. */
export interface LimitPolicy {
  budget: BudgetName;
  /** The refusal begins with it: "Too many attempts: try again in 12 s". */
  refusal: string;
  /**
   * Only calls refused with this code keep their point (a wrong password, an unknown code); the others
   * get it back.
   */
  countsOnly?: 'UNAUTHORIZED' | 'NOT_FOUND';
  /** A success clears the key's count: the right password ends the streak of wrong ones. */
  resetOnSuccess?: boolean;
  /** Each time the points run out within a day, the wait lasts twice as long as the time before. */
  growingLockout?: boolean;
}

interface CallLimit<Input> extends LimitPolicy {
  /** Undefined: this call spends nothing here (no such tenant, not a guest…). */
  spend(call: LimitedCall & { input: Input }): Spend | undefined | Promise<Spend | undefined>;
}

/** A point the call is about to spend, under a policy. */
export interface PlannedSpend extends Spend {
  policy: LimitPolicy;
}

/** The spends of one call of a procedure. */
type Planner = (call: LimitedCall) => Promise<PlannedSpend[]>;

/**
 * Limits on a procedure, reading its input through the procedure's own schema: a call it will refuse
 * as bad input spends nothing, so a mistake never costs a 429 instead of the 400 that names it.
 */
function limitedBy<Input>(schema: z.ZodType<Input>, ...limits: CallLimit<Input>[]): Planner {
  return async (call) => {
    const parsed = schema.safeParse(call.rawInput);
    if (!parsed.success) return [];
    const planned: PlannedSpend[] = [];
    for (const { spend, ...policy } of limits) {
      const spent = await spend({ ...call, input: parsed.data });
      if (spent) planned.push({ ...spent, policy });
    }
    return planned;
  };
}

/** Who acts, whichever credential they hold; nobody for anonymous calls (the procedure refuses them). */
function personOf(caller: Caller): string | undefined {
  switch (caller.kind) {
    case 'anonymous':
      return undefined;
    case 'user':
      return `user:${caller.user.id}`;
    case 'service':
      return `token:${caller.tokenId}`;
    case 'display':
      return `display:${caller.linkId}`;
  }
}

/** The answer is the same whether the account exists or not: unknown addresses count too. */
const TOO_MANY_ATTEMPTS = 'Too many attempts';

/** Per client address, for any input. */
const perAddress = (policy: LimitPolicy): CallLimit<unknown> => ({
  ...policy,
  spend: ({ clientAddress }) => ({ key: clientAddress }),
});

const signInPerAccount: CallLimit<SignInInput> = {
  budget: 'signInFailuresPerAccount',
  refusal: TOO_MANY_ATTEMPTS,
  countsOnly: 'UNAUTHORIZED',
  resetOnSuccess: true,
  growingLockout: true,
  spend: ({ input }) => ({ key: input.email }),
};

const signInPerAddress = perAddress({
  budget: 'signInFailuresPerAddress',
  refusal: TOO_MANY_ATTEMPTS,
  countsOnly: 'UNAUTHORIZED',
});

/** Six-digit meeting codes are short: unknown ones tried from one address are guesses. */
const codeGuessesPerAddress = perAddress({
  budget: 'codeGuessesPerAddress',
  refusal: 'Too many unknown codes from this network',
  countsOnly: 'NOT_FOUND',
});

/** Each start stores an attempt and may reach the tenant's provider; a callback only uses one up. */
const ssoStartsPerAddress = perAddress({
  budget: 'ssoStartsPerAddress',
  refusal: 'Too many single sign-on attempts from this network',
});

const signUpPerAddress = perAddress({
  budget: 'signUpsPerAddress',
  refusal: 'Too many new accounts from this network',
});

/** Joining creates a guest when nobody is signed in and a name is given. */
const createsGuest = ({ caller, input }: LimitedCall & { input: JoinWithCodeInput }) =>
  caller.kind === 'anonymous' && Boolean(input.name);

const guestJoinsPerAddress: CallLimit<JoinWithCodeInput> = {
  budget: 'guestJoinsPerAddress',
  refusal: 'Too many guests joining from this network',
  spend: (call) => (createsGuest(call) ? { key: call.clientAddress } : undefined),
};

const guestJoinsPerCode: CallLimit<JoinWithCodeInput> = {
  budget: 'guestJoinsPerCode',
  refusal: 'Too many guests joining with this code',
  spend: (call) => (createsGuest(call) ? { key: call.input.code } : undefined),
};

const linksAndTokensPerAdmin: CallLimit<TenantScoped> = {
  budget: 'linksAndTokensPerAdmin',
  refusal: 'Too many new links and tokens',
  spend: ({ caller, input }) => {
    const person = personOf(caller);
    return person ? { key: `${input.tenant}:${person}` } : undefined;
  },
};

const similarLookupsPerPerson: CallLimit<TenantScoped> = {
  budget: 'similarLookupsPerPerson',
  refusal: 'Too many look-ups for similar questions',
  spend: ({ caller, input }) => {
    const person = personOf(caller);
    return person ? { key: `${input.tenant}:${person}` } : undefined;
  },
};

const submitsPerPersonPerMeeting: CallLimit<MeetingScoped> = {
  budget: 'submitsPerPersonPerMeeting',
  refusal: 'Too many questions in a row',
  spend: async ({ caller, input, findTenant }) => {
    const person = personOf(caller);
    const tenant = person ? await findTenant(input.tenant) : undefined;
    if (!tenant) return undefined;
    return { key: `${tenant.id}:${input.meetingId}:${person}`, points: tenant.settings.submitLimitPerMinute };
  },
};

const upvotesPerPerson: CallLimit<TenantScoped> = {
  budget: 'upvotesPerPerson',
  refusal: 'Too many votes in a row',
  spend: async ({ caller, input, findTenant }) => {
    const person = personOf(caller);
    const tenant = person ? await findTenant(input.tenant) : undefined;
    return tenant && { key: `${tenant.id}:${person}`, points: tenant.settings.upvoteLimitPerMinute };
  },
};

/** The limits each procedure's calls spend, by procedure path; a path not listed is not limited. */
export const PROCEDURE_LIMITS: Readonly<Record<string, Planner>> = {
  'auth.signIn': limitedBy(signInInput, signInPerAddress, signInPerAccount),
  'auth.signUp': limitedBy(signUpInput, signUpPerAddress),
  'auth.joinLink': limitedBy(joinCodeInput, codeGuessesPerAddress),
  'auth.joinWithCode': limitedBy(
    joinWithCodeInput,
    codeGuessesPerAddress,
    guestJoinsPerAddress,
    guestJoinsPerCode,
  ),
  // A one-tap link's token is unguessable, but unknown ones are still guesses and cost as much.
  'pulse.respondWithLink': limitedBy(pulseLinkResponseInput, codeGuessesPerAddress),
  'notification.setEmailByLink': limitedBy(notificationEmailLinkInput, codeGuessesPerAddress),
  'tenant.createJoinLink': limitedBy(tenantScoped, linksAndTokensPerAdmin),
  'tenant.createDisplayLink': limitedBy(tenantScoped, linksAndTokensPerAdmin),
  'tenant.createServiceToken': limitedBy(createServiceTokenInput, linksAndTokensPerAdmin),
  'question.similar': limitedBy(questionSimilarInput, similarLookupsPerPerson),
  'question.submit': limitedBy(questionSubmitInput, submitsPerPersonPerMeeting),
  'question.upvote': limitedBy(questionInput, upvotesPerPerson),
  'question.removeUpvote': limitedBy(questionInput, upvotesPerPerson),
};

/**
 * The limits of the HTTP routes outside tRPC that are limited on their own, by the route's path (a
 * path begins with "/", a procedure's never does). Their input is what the route read from the request.
 */
export const ROUTE_LIMITS: Readonly<Record<string, Planner>> = {
  [SSO_START_PATH]: limitedBy(tenantScoped, ssoStartsPerAddress),
};

/** The limits of a procedure (`auth.signIn`) or of a route (`/auth/sso/start`); undefined: not limited. */
export function limitsOf(path: string): Planner | undefined {
  return Object.hasOwn(PROCEDURE_LIMITS, path) ? PROCEDURE_LIMITS[path] : ROUTE_LIMITS[path];
}
