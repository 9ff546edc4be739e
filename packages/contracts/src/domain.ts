import { z } from 'zod';
import { meetingPublicV1 } from './events/payloads.js';
import {
  hexColor,
  isoDateTime,
  language,
  meetingState,
  questionStatus,
  role,
  tenantSlug,
  uuid,
} from './primitives.js';

export const tag = z.object({ id: uuid, name: z.string(), color: hexColor });
export type Tag = z.infer<typeof tag>;

export const team = z.object({ id: uuid, name: z.string() });
export type Team = z.infer<typeof team>;

export const question = z.object({
  id: uuid,
  meetingId: uuid,
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
  /** Hidden questions are listed to moderators only. */
  hidden: z.boolean(),
  /** When its text was last edited, by a moderator or its author. */
  editedAt: isoDateTime.nullable(),
});
export type Question = z.infer<typeof question>;

/**
 * `question.upvote` and `question.removeUpvote`: the count the change left, the caller's own vote, and
 * the id of the stream event whose count includes the change: a stream that has passed it shows it.
 */
export const upvoteResult = z.object({
  questionId: uuid,
  upvoteCount: z.number().int().nonnegative(),
  upvotedByMe: z.boolean(),
  eventId: z.string().regex(/^\d+$/),
});
export type UpvoteResult = z.infer<typeof upvoteResult>;

/**
 * The tenant's event sequence a snapshot reflects: the data includes every event up to it (and maybe
 * later ones), so a stream resuming after it, or events re-applied after it, miss nothing.
 */
export const eventSequence = z.number().int().nonnegative();

/**
 * The question a duplicate was merged into, named only while everyone in the meeting can see it, and
 * whether it is answered (on which tab of the meeting to find it).
 */
export const mergeTarget = z.object({ id: uuid, body: z.string(), answered: z.boolean() });
export type MergeTarget = z.infer<typeof mergeTarget>;

/**
 * `question.mine`: the caller's own questions, newest first, rejected and merged ones included: only
 * their author sees a rejection (`rejectedAt`), never who rejected it. A merged question is taken down
 * too (`rejectedAt` and `mergedAt`); `mergedInto` is the question it joined, while everyone can see it.
 */
export const ownQuestion = question.extend({
  rejectedAt: isoDateTime.nullable(),
  /** The author asked to be told when it is answered; nobody else learns it. */
  notifyWhenAnswered: z.boolean(),
  mergedAt: isoDateTime.nullable(),
  mergedInto: mergeTarget.nullable(),
});
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
  /** Questions one person may submit per minute in one meeting. */
  submitLimitPerMinute: z.number().int(),
  /** Upvotes (and their removals) one person may make per minute. */
  upvoteLimitPerMinute: z.number().int(),
  /** The language the web app speaks to those who chose none; null: their browser's. */
  defaultLanguage: language.nullable(),
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
  /** The team their pulse answers count for. */
  teamId: uuid.nullable(),
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
/** What a join page shows before anyone joins; a meeting code also names the meeting it lands in. */
export const joinLinkSummary = z.object({
  tenant: tenantSlug,
  name: z.string(),
  allowGuests: z.boolean(),
  meeting: z.object({ id: uuid, title: z.string(), state: meetingState }).nullable(),
});
export type JoinLinkSummary = z.infer<typeof joinLinkSummary>;
/** Where joining with a code leads: the tenant, and the meeting when the code was a meeting's. */
export const joinedWithCode = z.object({ tenant: tenantSlug, meetingId: uuid.nullable() });
export type JoinedWithCode = z.infer<typeof joinedWithCode>;
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

/** A meeting as its tenant's members see it; moderators also get the settings it falls back to. */
export const meeting = z.object({
  ...meetingPublicV1.shape,
  createdAt: isoDateTime,
  openedAt: isoDateTime.nullable(),
  closedAt: isoDateTime.nullable(),
  /** The approval and guest rules in force: the meeting's own, or the tenant's. */
  effective: z.object({ requireApproval: z.boolean(), allowGuests: z.boolean() }),
});
export type Meeting = z.infer<typeof meeting>;
export const meetingSnapshot = meeting.extend({ sequence: eventSequence });
export type MeetingSnapshot = z.infer<typeof meetingSnapshot>;
export const meetingList = z.object({ items: z.array(meeting), sequence: eventSequence });
export type MeetingList = z.infer<typeof meetingList>;

/** A downloadable file made on the server. */
export const exportFile = z.object({ filename: z.string(), contentType: z.string(), content: z.string() });
export type ExportFile = z.infer<typeof exportFile>;

const count = z.number().int().nonnegative();
/** A meeting's figures for its analytics page; never who asked or voted for what. */
export const meetingAnalytics = z.object({
  participants: count,
  askers: count,
  voters: count,
  questions: count,
  upvotes: count,
  answered: count,
  /** Median seconds from submission to answer; null before the first answer. */
  medianSecondsToAnswer: z.number().nonnegative().nullable(),
  /** Questions and upvotes per time bucket, oldest first. */
  timeline: z.array(z.object({ at: isoDateTime, questions: count, upvotes: count })),
  topTags: z.array(z.object({ tag, questions: count })),
  byTeam: z.array(
    z.object({ teamId: uuid.nullable(), name: z.string().nullable(), questions: count, upvotes: count }),
  ),
});
export type MeetingAnalytics = z.infer<typeof meetingAnalytics>;

/** `tenant.revokeLink`: which link was revoked. */
export const revokedLink = z.object({ linkId: uuid });
/** `tenant.revokeServiceToken`: which service token was revoked. */
export const revokedServiceToken = z.object({ tokenId: uuid });

/** Admins only: never part of `tenant.get` or `tenant:updated`, so members do not learn the word list. */
export const tenantSafetySettings = z.object({
  restrictedWords: z.array(z.string()),
  displayFrameOrigins: z.array(z.string()),
});
export type TenantSafetySettings = z.infer<typeof tenantSafetySettings>;
