import type {
  Language,
  MeetingState,
  NotificationKind,
  PulseScale,
  QuestionStatus,
  Role,
} from '@pulsestage/contracts';
import type { Generated, Kysely, Transaction } from 'kysely';

/** Flags are stored as 0/1 integers and times as ISO-8601 text, identically on SQLite and PostgreSQL. */
type Flag = number;
type IsoTime = string;

export interface TenantTable {
  id: string;
  slug: string;
  name: string;
  requireApproval: Flag;
  allowGuests: Flag;
  minQuestionLength: number;
  maxQuestionLength: number;
  submitLimitPerMinute: number;
  upvoteLimitPerMinute: number;
  /** JSON array of words that send a matching question to review. */
  restrictedWords: string;
  /** JSON array of origins allowed to embed the presenter display in a frame. */
  displayFrameOrigins: string;
  /** Only owners may use a password session (or join as a guest): single sign-on is on and required. */
  requireSso: Generated<Flag>;
  /** One of `LANGUAGES`; null: each browser's own. */
  defaultLanguage: Language | null;
  createdAt: IsoTime;
}

export interface TeamTable {
  id: string;
  tenantId: string;
  name: string;
  createdAt: IsoTime;
}

export interface UserTable {
  id: string;
  email: string | null;
  name: string;
  passwordHash: string | null;
  guest: Flag;
  /** Emails when one's question is answered (when the server sends email; never to guests). */
  answerEmails: Generated<Flag>;
  createdAt: IsoTime;
}

export interface MembershipTable {
  tenantId: string;
  userId: string;
  role: Role;
  /** The team this member's pulse answers count for. */
  teamId: string | null;
  /** Pulse invitations by email (when the server sends email). */
  pulseEmail: Generated<Flag>;
  createdAt: IsoTime;
}

/** A member an admin removed, who may not rejoin through a join link until let back in. */
export interface RemovedMemberTable {
  tenantId: string;
  userId: string;
  /** The user (or service token) that removed them. */
  removedBy: string;
  removedAt: IsoTime;
}

export interface SessionTable {
  /** SHA-256 of the token; never shown. */
  id: string;
  /** Names the session in its owner's list of sessions; null for sessions made before the list existed. */
  publicId: string | null;
  userId: string;
  userAgent: string | null;
  expiresAt: IsoTime;
  createdAt: IsoTime;
  lastUsedAt: IsoTime | null;
  /** The tenant whose single sign-on made the session; null for a password or guest session. */
  ssoTenantId: Generated<string | null>;
}

export interface SsoSettingsTable {
  tenantId: string;
  enabled: Flag;
  issuer: string;
  clientId: string;
  /** Encrypted when `SSO_SECRET_KEY` is set (`auth/secret-box.ts`); never returned. */
  clientSecret: string | null;
  /** JSON array of lower-case email domains whose people join as members. */
  allowedDomains: string;
  /** The admin's choice; `tenants.require_sso` holds it in force (only while enabled). */
  requireSso: Flag;
  updatedAt: IsoTime;
}

/** One trip to the identity provider and back: single use, expiring. */
export interface SsoAttemptTable {
  /** SHA-256 of the `state` the browser carries; the state itself is in its cookie. */
  id: string;
  tenantId: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  /** The page of the tenant to land on once signed in. */
  returnPath: string;
  expiresAt: IsoTime;
  usedAt: IsoTime | null;
}

export interface LinkTable {
  id: string;
  tenantId: string;
  kind: 'join' | 'display';
  /** Join codes are meant to be shared, so they are kept; display links keep only a hash. */
  code: string | null;
  tokenHash: string | null;
  createdBy: string;
  createdAt: IsoTime;
  revokedAt: IsoTime | null;
}

export interface ServiceTokenTable {
  id: string;
  tenantId: string;
  name: string;
  role: Role;
  tokenHash: string;
  createdBy: string;
  createdAt: IsoTime;
  revokedAt: IsoTime | null;
}

export interface TagTable {
  id: string;
  tenantId: string;
  name: string;
  color: string;
  createdAt: IsoTime;
}

export interface MeetingTable {
  id: string;
  tenantId: string;
  title: string;
  description: string | null;
  /** Six digits, unique across tenants. */
  code: string;
  state: MeetingState;
  /** No new questions while paused. */
  paused: Flag;
  opensAt: IsoTime | null;
  closesAt: IsoTime | null;
  /** Null follows the tenant's setting. */
  requireApproval: Flag | null;
  allowGuests: Flag | null;
  createdAt: IsoTime;
  openedAt: IsoTime | null;
  closedAt: IsoTime | null;
}

/** Who opened, asked or voted in a meeting, for its analytics: never what they asked or voted for. */
export interface MeetingVisitorTable {
  meetingId: string;
  /** A user id or a service token id. */
  visitorId: string;
  firstSeenAt: IsoTime;
}

/** How many streams of each meeting each API instance serves, refreshed every few seconds. */
export interface MeetingPresenceTable {
  instanceId: string;
  meetingId: string;
  watching: number;
  /** Milliseconds since the epoch: rows not refreshed lately belong to stopped instances. */
  seenAt: number;
}

export interface QuestionTable {
  id: string;
  tenantId: string;
  meetingId: string;
  teamId: string | null;
  /** A user id or a service token id; never exposed to other participants. */
  authorId: string;
  body: string;
  status: QuestionStatus;
  responseText: string | null;
  answeredAt: IsoTime | null;
  pinnedAt: IsoTime | null;
  submittedAt: IsoTime;
  /** Set on rejection: the row stays only so its author learns the question was not published. */
  rejectedAt: IsoTime | null;
  /** Hidden by a moderator: kept, listed to moderators only, restorable. */
  hiddenAt: IsoTime | null;
  editedAt: IsoTime | null;
  /** Its author asked to be told when it is answered; only the author learns this. */
  notifyAuthor: Generated<Flag>;
  /** The question a moderator merged this duplicate into (`rejectedAt` is set too). */
  mergedIntoId: string | null;
  mergedAt: IsoTime | null;
}

export interface UpvoteTable {
  questionId: string;
  voterId: string;
  createdAt: IsoTime;
}

export interface QuestionTagTable {
  questionId: string;
  tagId: string;
}

export interface EventSequenceTable {
  tenantId: string;
  lastSeq: number;
}

export interface EventTable {
  tenantId: string;
  seq: number;
  type: string;
  /** The meeting the event belongs to; null for tenant-wide events. */
  meetingId: string | null;
  audience: 'all' | 'moderators' | 'admins';
  /** JSON of the newest version's payload. */
  data: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** A moderator's or admin's action; never names who asked a question. */
export interface AuditLogTable {
  id: string;
  tenantId: string;
  /** A user id or a service token id. */
  actorId: string;
  actorKind: 'user' | 'token';
  /** The actor's name when acting, so the entry stays readable after they leave. */
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  /** JSON of a small before/after summary. */
  summary: string;
  createdAt: IsoTime;
}

/** A tenant's pulse schedule; tenants without a row have the defaults. */
export interface PulseSettingsTable {
  tenantId: string;
  enabled: Flag;
  /** IANA time zone the time of day and the weekdays are read in. */
  timeZone: string;
  /** `HH:MM`. */
  timeOfDay: string;
  /** JSON array of cohort names. */
  cohorts: string;
  /** JSON object: weekday → cohort name or null. */
  schedule: string;
  threshold: number;
}

export interface PulseQuestionTable {
  id: string;
  tenantId: string;
  text: string;
  scale: PulseScale;
  teamId: string | null;
  active: Flag;
  position: number;
  createdAt: IsoTime;
}

/** One day's invitations of one cohort to one question: at most one per tenant, local date and cohort. */
export interface PulseSendTable {
  id: string;
  tenantId: string;
  /** `YYYY-MM-DD` in the tenant's time zone. */
  localDate: string;
  /** The ISO week of `localDate`, like `2026-W49`: the question's round. */
  week: string;
  cohortName: string;
  questionId: string;
  sentAt: IsoTime;
}

/** Where an email is in its queue: `none` when there is no email to send. */
export type EmailState = 'none' | 'pending' | 'sending' | 'sent' | 'failed';

/** One member's invitation; it records that it was used, never when, and no answer points back at it. */
export interface PulseInvitationTable {
  id: string;
  tenantId: string;
  sendId: string;
  userId: string;
  /** SHA-256 of the one-tap links' token, set when the email is composed; null without email. */
  tokenHash: string | null;
  expiresAt: IsoTime;
  used: Flag;
  emailState: EmailState;
  emailAttempts: number;
  /** When the next attempt at sending may start. */
  emailNextAt: IsoTime | null;
}

/** An anonymous answer: no user, no invitation, the time truncated to the hour. */
export interface PulseResponseTable {
  id: string;
  tenantId: string;
  questionId: string;
  week: string;
  teamId: string | null;
  cohortName: string;
  score: number;
  /** Truncated to the hour. */
  submittedAt: IsoTime;
}

/** An author told that their question was answered: at most one per question. */
export interface NotificationTable {
  id: string;
  tenantId: string;
  userId: string;
  questionId: string;
  kind: NotificationKind;
  createdAt: IsoTime;
  readAt: IsoTime | null;
  /** SHA-256 of the email's "turn off these emails" token, set when the email is composed. */
  tokenHash: string | null;
  emailState: EmailState;
  emailAttempts: number;
  emailNextAt: IsoTime | null;
}

export interface DatabaseSchema {
  tenants: TenantTable;
  teams: TeamTable;
  users: UserTable;
  memberships: MembershipTable;
  removedMembers: RemovedMemberTable;
  sessions: SessionTable;
  links: LinkTable;
  serviceTokens: ServiceTokenTable;
  tags: TagTable;
  meetings: MeetingTable;
  meetingVisitors: MeetingVisitorTable;
  meetingPresence: MeetingPresenceTable;
  questions: QuestionTable;
  upvotes: UpvoteTable;
  questionTags: QuestionTagTable;
  eventSequences: EventSequenceTable;
  events: EventTable;
  auditLog: AuditLogTable;
  pulseSettings: PulseSettingsTable;
  pulseQuestions: PulseQuestionTable;
  pulseSends: PulseSendTable;
  pulseInvitations: PulseInvitationTable;
  pulseResponses: PulseResponseTable;
  notifications: NotificationTable;
  ssoSettings: SsoSettingsTable;
  ssoAttempts: SsoAttemptTable;
}

export type Database = Kysely<DatabaseSchema>;
export type Executor = Database | Transaction<DatabaseSchema>;
