import { BATCH_MAX } from '@pulsestage/contracts';
import { z } from 'zod';

/**
 * The limits set by the operator, per window. Per-address ones are ceilings against floods, high because
 * a whole audience often shares one address (a company NAT, a venue's Wi-Fi); per-account and per-person
 * ones do the fine work.
 */
export const RATE_LIMIT_DEFAULTS = {
  /** Wrong passwords for one email address per 15 minutes, then a lockout that grows. */
  signInFailuresPerAccount: 5,
  /** Wrong passwords from one address per 15 minutes. */
  signInFailuresPerAddress: 100,
  /** New accounts from one address per hour. */
  signUpsPerAddress: 50,
  /** Guests joining through one meeting code or join link per minute. */
  guestJoinsPerCode: 1000,
  /** Guests joining from one address per minute. */
  guestJoinsPerAddress: 300,
  /** Join links, display links and service tokens one person creates in one tenant per hour. */
  linksAndTokensPerAdmin: 30,
  /** Unknown meeting codes or join links tried from one address per 10 minutes. */
  codeGuessesPerAddress: 100,
  /** Similar-question look-ups one person makes in one tenant per minute (the submit box asks as they type). */
  similarLookupsPerPerson: 120,
  /** Single sign-on attempts started from one address per 10 minutes (each writes a row and may reach the provider). */
  ssoStartsPerAddress: 300,
} as const;

export type OperatorBudget = keyof typeof RATE_LIMIT_DEFAULTS;
/** The tenant sets these (`submitLimitPerMinute`, `upvoteLimitPerMinute`). */
export type TenantBudget = 'submitsPerPersonPerMeeting' | 'upvotesPerPerson';
export type BudgetName = OperatorBudget | TenantBudget;

export const isOperatorBudget = (budget: BudgetName): budget is OperatorBudget =>
  budget in RATE_LIMIT_DEFAULTS;

const MINUTE = 60;
const HOUR = 60 * MINUTE;

export const WINDOW_SECONDS: Record<BudgetName, number> = {
  signInFailuresPerAccount: 15 * MINUTE,
  signInFailuresPerAddress: 15 * MINUTE,
  signUpsPerAddress: HOUR,
  guestJoinsPerCode: MINUTE,
  guestJoinsPerAddress: MINUTE,
  linksAndTokensPerAdmin: HOUR,
  codeGuessesPerAddress: 10 * MINUTE,
  similarLookupsPerPerson: MINUTE,
  ssoStartsPerAddress: 10 * MINUTE,
  submitsPerPersonPerMeeting: MINUTE,
  upvotesPerPerson: MINUTE,
};

/** The most calls one HTTP request may carry (`/trpc/a,b,c?batch=1`). */
export const BATCH_MAX_DEFAULT = BATCH_MAX;

export interface RateLimitSettings {
  /** Off (`RATE_LIMITS=off`) for load tests: no call is counted; the batch cap stays. */
  enabled: boolean;
  points: Record<OperatorBudget, number>;
  batchMax: number;
}

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The environment variable of each operator limit, for `config.ts`. */
export const rateLimitEnvironment = {
  RATE_LIMIT_SIGN_IN_PER_ACCOUNT: count(RATE_LIMIT_DEFAULTS.signInFailuresPerAccount),
  RATE_LIMIT_SIGN_IN_PER_ADDRESS: count(RATE_LIMIT_DEFAULTS.signInFailuresPerAddress),
  RATE_LIMIT_SIGN_UP_PER_ADDRESS: count(RATE_LIMIT_DEFAULTS.signUpsPerAddress),
  RATE_LIMIT_GUEST_JOINS_PER_CODE: count(RATE_LIMIT_DEFAULTS.guestJoinsPerCode),
  RATE_LIMIT_GUEST_JOINS_PER_ADDRESS: count(RATE_LIMIT_DEFAULTS.guestJoinsPerAddress),
  RATE_LIMIT_LINKS_AND_TOKENS_PER_ADMIN: count(RATE_LIMIT_DEFAULTS.linksAndTokensPerAdmin),
  RATE_LIMIT_CODE_GUESSES_PER_ADDRESS: count(RATE_LIMIT_DEFAULTS.codeGuessesPerAddress),
  RATE_LIMIT_SIMILAR_PER_PERSON: count(RATE_LIMIT_DEFAULTS.similarLookupsPerPerson),
  RATE_LIMIT_SSO_STARTS_PER_ADDRESS: count(RATE_LIMIT_DEFAULTS.ssoStartsPerAddress),
  RATE_LIMIT_BATCH_MAX: count(BATCH_MAX_DEFAULT),
};

type RateLimitEnvironment = {
  [Name in keyof typeof rateLimitEnvironment]: z.infer<(typeof rateLimitEnvironment)[Name]>;
};

export function rateLimitSettings(enabled: boolean, values: RateLimitEnvironment): RateLimitSettings {
  return {
    enabled,
    points: {
      signInFailuresPerAccount: values.RATE_LIMIT_SIGN_IN_PER_ACCOUNT,
      signInFailuresPerAddress: values.RATE_LIMIT_SIGN_IN_PER_ADDRESS,
      signUpsPerAddress: values.RATE_LIMIT_SIGN_UP_PER_ADDRESS,
      guestJoinsPerCode: values.RATE_LIMIT_GUEST_JOINS_PER_CODE,
      guestJoinsPerAddress: values.RATE_LIMIT_GUEST_JOINS_PER_ADDRESS,
      linksAndTokensPerAdmin: values.RATE_LIMIT_LINKS_AND_TOKENS_PER_ADMIN,
      codeGuessesPerAddress: values.RATE_LIMIT_CODE_GUESSES_PER_ADDRESS,
      similarLookupsPerPerson: values.RATE_LIMIT_SIMILAR_PER_PERSON,
      ssoStartsPerAddress: values.RATE_LIMIT_SSO_STARTS_PER_ADDRESS,
    },
    batchMax: values.RATE_LIMIT_BATCH_MAX,
  };
}
