import type { MeetingState, QuestionStatus, Role } from '@pulsestage/contracts';
import type { Kysely, Transaction } from 'kysely';

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
  createdAt: IsoTime;
}

export interface MembershipTable {
  tenantId: string;
  userId: string;
  role: Role;
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
  audience: 'all' | 'moderators';
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
}

export type Database = Kysely<DatabaseSchema>;
export type Executor = Database | Transaction<DatabaseSchema>;
