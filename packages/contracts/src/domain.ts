import { z } from 'zod';
import { hexColor, isoDateTime, questionStatus, role, tenantSlug, uuid } from './primitives.js';

export const tag = z.object({ id: uuid, name: z.string(), color: hexColor });
export type Tag = z.infer<typeof tag>;

export const team = z.object({ id: uuid, name: z.string() });
export type Team = z.infer<typeof team>;

export const question = z.object({
  id: uuid,
  body: z.string(),
  teamId: uuid.nullable(),
  status: questionStatus,
  upvoteCount: z.number().int().nonnegative(),
  submittedAt: isoDateTime,
  responseText: z.string().nullable(),
  answeredAt: isoDateTime.nullable(),
  pinned: z.boolean(),
  pinnedAt: isoDateTime.nullable(),
  tags: z.array(tag),
  upvotedByMe: z.boolean(),
  /** Whether the caller asked it; nobody learns who asked anything else. */
  mine: z.boolean(),
});
export type Question = z.infer<typeof question>;

/** `question.upvote` and `question.removeUpvote`: the count the change left, and the caller's own vote. */
export const upvoteResult = z.object({
  questionId: uuid,
  upvoteCount: z.number().int().nonnegative(),
  upvotedByMe: z.boolean(),
});
export type UpvoteResult = z.infer<typeof upvoteResult>;

/**
 * The tenant's event sequence a snapshot reflects: the data includes every event up to it (and maybe
 * later ones), so a stream resuming after it, or events re-applied after it, miss nothing.
 */
export const eventSequence = z.number().int().nonnegative();

/**
 * `question.mine`: the caller's own questions, newest first, rejected ones included: only their author
 * sees a rejection (`rejectedAt`), never who rejected it.
 */
export const ownQuestion = question.extend({ rejectedAt: isoDateTime.nullable() });
export type OwnQuestion = z.infer<typeof ownQuestion>;
export const ownQuestionPage = z.object({
  items: z.array(ownQuestion),
  nextCursor: z.string().nullable(),
  sequence: eventSequence,
});
export type OwnQuestionPage = z.infer<typeof ownQuestionPage>;

export const questionPage = z.object({
  items: z.array(question),
  nextCursor: z.string().nullable(),
  sequence: eventSequence,
});
export type QuestionPage = z.infer<typeof questionPage>;

export const tenantSettings = z.object({
  requireApproval: z.boolean(),
  allowGuests: z.boolean(),
  minQuestionLength: z.number().int(),
  maxQuestionLength: z.number().int(),
});
export type TenantSettings = z.infer<typeof tenantSettings>;

export const tenant = z.object({
  id: uuid,
  slug: tenantSlug,
  name: z.string(),
  settings: tenantSettings,
  role: role.nullable(),
});
export type Tenant = z.infer<typeof tenant>;
/** `tenant.get`: the tenant with the event sequence it reflects, where the tab's stream starts. */
export const tenantSnapshot = tenant.extend({ sequence: eventSequence });
export type TenantSnapshot = z.infer<typeof tenantSnapshot>;

export const queueState = z.object({ frozen: z.boolean(), pinnedQuestionIds: z.array(uuid) });
export type QueueState = z.infer<typeof queueState>;
export const queueSnapshot = queueState.extend({ sequence: eventSequence });
export type QueueSnapshot = z.infer<typeof queueSnapshot>;

export const member = z.object({
  userId: uuid,
  email: z.string().nullable(),
  name: z.string(),
  role,
  guest: z.boolean(),
  joinedAt: isoDateTime,
});
export type Member = z.infer<typeof member>;

/** Someone an admin removed: they cannot rejoin through a join link until an admin lets them back in. */
export const removedMember = member.pick({ userId: true, email: true, name: true, guest: true }).extend({
  removedAt: isoDateTime,
});
export type RemovedMember = z.infer<typeof removedMember>;

export const membershipSummary = z.object({ tenant: tenantSlug, name: z.string(), role });

export const currentUser = z.object({
  id: uuid,
  email: z.string().nullable(),
  name: z.string(),
  guest: z.boolean(),
  memberships: z.array(membershipSummary),
});
export type CurrentUser = z.infer<typeof currentUser>;

export const joinLink = z.object({ id: uuid, code: z.string(), createdAt: isoDateTime });
export type JoinLink = z.infer<typeof joinLink>;
/** `tenant.joinCode`: the newest join code that still works, for everyone in the tenant to share. */
export const joinCode = z.object({ code: z.string() }).nullable();
export const joinLinkSummary = z.object({ tenant: tenantSlug, name: z.string(), allowGuests: z.boolean() });
export type JoinLinkSummary = z.infer<typeof joinLinkSummary>;
export const displayLink = z.object({ id: uuid, token: z.string(), createdAt: isoDateTime });
export type DisplayLink = z.infer<typeof displayLink>;
export const serviceToken = z.object({ id: uuid, name: z.string(), role, token: z.string() });
export type ServiceToken = z.infer<typeof serviceToken>;

/** What an admin sees of the tenant's open doors: never a display link's or token's secret. */
export const tenantAccessList = z.object({
  joinLinks: z.array(joinLink),
  displayLinks: z.array(z.object({ id: uuid, createdAt: isoDateTime })),
  serviceTokens: z.array(
    z.object({
      id: uuid,
      name: z.string(),
      role,
      /** What the token may do now: never more than its creator holds; null once the creator holds nothing. */
      effectiveRole: role.nullable(),
      createdAt: isoDateTime,
    }),
  ),
});
export type TenantAccessList = z.infer<typeof tenantAccessList>;

/** The demo accounts, listed on the sign-in page in demo mode only. */
export const demoAccounts = z.object({
  password: z.string(),
  accounts: z.array(z.object({ email: z.string(), name: z.string(), role })),
});
export type DemoAccounts = z.infer<typeof demoAccounts>;

/** `tenant.revokeLink`: which link was revoked. */
export const revokedLink = z.object({ linkId: uuid });
/** `tenant.revokeServiceToken`: which service token was revoked. */
export const revokedServiceToken = z.object({ tokenId: uuid });
