/**
 * Bad input, procedure by procedure: no input, however malformed, gets a 500 or changes any data.
 *
 * Every procedure of the router has an entry in TABLE: its type, the fields of its input and a valid
 * input built from real alpha objects. From each entry the tests derive wrong-type, missing, oversized,
 * malformed and extra-key inputs and send them over real HTTP as the alpha owner (who may do
 * everything, so every refusal comes from validation). Each answer must be a 4xx with a JSON error
 * naming the offending field, without stack traces or SQL, and no batch may change any data.
 */
import { randomUUID } from 'node:crypto';
import {
  AUDIT_ACTIONS,
  AUDIT_TARGET_TYPES,
  LANGUAGES,
  MEETING_LISTS,
  noInput,
  PULSE_SCALES,
  QUESTION_SORTS,
  QUESTION_STATUSES,
  ROLES,
  WEEKDAYS,
} from '@pulsestage/contracts';
import { readSubscriptionOpening } from '@pulsestage/test-harness/sse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sessionCookieFrom, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ACCOUNTS, PASSWORD } from '../test-support/fixture.js';
import { expectEntryPerProcedure, routerProcedures, validateInput } from '../test-support/procedures.js';
import { snapshotData } from '../test-support/snapshot.js';

// Each table sends every procedure's cases (hundreds of calls): on two busy cores one takes over a
// minute. A bound, not a pace: a table ends as soon as its last call is answered.
vi.setConfig({ testTimeout: 240_000 });

// ---------------------------------------------------------------------------------------------
// The table

type FieldSpec =
  | { kind: 'slug' }
  | { kind: 'uuid'; optional?: boolean; nullable?: boolean }
  /** Free text for humans: names, bodies, search, join codes. */
  | { kind: 'text'; min: number; max: number; optional?: boolean; nullable?: boolean }
  | { kind: 'email' }
  | { kind: 'password'; min: number; max: number }
  | { kind: 'bool'; optional?: boolean; nullable?: boolean }
  /** ISO-8601 date-times with an offset: a meeting's opening and closing times. */
  | { kind: 'datetime'; optional?: boolean; nullable?: boolean }
  | { kind: 'int'; min: number; max: number; optional?: boolean }
  | { kind: 'enum'; values: readonly string[]; optional?: boolean; nullable?: boolean }
  | { kind: 'color' }
  | { kind: 'cursor'; optional?: boolean }
  /** events.subscribe: the id of the last event received, digits only. */
  | { kind: 'eventId' }
  /** events.subscribe: requested version per event type. */
  | { kind: 'versions'; optional?: boolean }
  /** A list of restricted words, origins or email domains, at most `max` entries of at most `itemMax` characters. */
  | {
      kind: 'list';
      of: 'word' | 'origin' | 'uuid' | 'domain';
      max: number;
      itemMax: number;
      optional?: boolean;
    }
  /** A pulse schedule: each weekday, a cohort's name or null. */
  | { kind: 'schedule'; optional?: boolean };

interface Ids {
  meetingId: string;
  questionId: string;
  tagId: string;
  teamId: string;
  userId: string;
  joinCode: string;
  displayLinkId: string;
  displayToken: string;
  tokenId: string;
  cursor: string;
  pulseQuestionId: string;
}

type Input = Record<string, unknown>;

interface Entry {
  type: 'query' | 'mutation' | 'subscription';
  /** `session`: a throw-away session of its own (auth.signOut would end the owner's). */
  caller: 'owner' | 'session';
  /** null: the procedure takes no input. */
  fields: Record<string, FieldSpec> | null;
  /**
   * A mutation that declares no input: tRPC then never reads the request body, so nothing sent can
   * change what it does (and the typed client sends no body for it).
   */
  bodyIgnored?: true;
  valid(ids: Ids): Input | undefined;
}

/** Inputs that would create something are unique, so one accepted by mistake does not hide the next. */
const unique = () => randomUUID().slice(0, 8);

const slug: FieldSpec = { kind: 'slug' };
const id: FieldSpec = { kind: 'uuid' };
const optionalId: FieldSpec = { kind: 'uuid', optional: true };
const displayName: FieldSpec = { kind: 'text', min: 1, max: 80 };
const label: FieldSpec = { kind: 'text', min: 1, max: 40 };
const role: FieldSpec = { kind: 'enum', values: ROLES };
const bool: FieldSpec = { kind: 'bool' };

const tenantOnly = (type: Entry['type']): Entry => ({
  type,
  caller: 'owner',
  fields: { tenant: slug },
  valid: () => ({ tenant: 'alpha' }),
});
const meetingOnly = (type: Entry['type']): Entry => ({
  type,
  caller: 'owner',
  fields: { tenant: slug, meetingId: id },
  valid: (ids) => ({ tenant: 'alpha', meetingId: ids.meetingId }),
});
const inQuestion = { tenant: slug, meetingId: id, questionId: id };
const questionOf = (ids: Ids) => ({ tenant: 'alpha', meetingId: ids.meetingId, questionId: ids.questionId });
const questionOnly: Entry = {
  type: 'mutation',
  caller: 'owner',
  fields: inQuestion,
  valid: questionOf,
};
const questionAndTag: Entry = {
  type: 'mutation',
  caller: 'owner',
  fields: { ...inQuestion, tagId: id },
  valid: (ids) => ({ ...questionOf(ids), tagId: ids.tagId }),
};

/** What a meeting form sends; on an update every field may be left out, on a create only the title is needed. */
function meetingFields(allOptional: boolean): Record<string, FieldSpec> {
  const optional = true;
  const setting: FieldSpec = { kind: 'bool', optional, nullable: true };
  const time: FieldSpec = { kind: 'datetime', optional, nullable: true };
  return {
    title: { kind: 'text', min: 1, max: 120, optional: allOptional },
    description: { kind: 'text', min: 0, max: 2000, optional, nullable: true },
    opensAt: time,
    closesAt: time,
    requireApproval: setting,
    allowGuests: setting,
  };
}
const validMeetingFields = () => ({
  title: `Planning ${unique()}`,
  description: 'The plan for next year',
  opensAt: '2030-01-01T09:00:00+01:00',
  closesAt: '2030-01-01T10:00:00Z',
  requireApproval: true,
  allowGuests: false,
});

const auditFilterFields: Record<string, FieldSpec> = {
  tenant: slug,
  action: { kind: 'enum', values: AUDIT_ACTIONS, optional: true },
  actorId: optionalId,
  targetType: { kind: 'enum', values: AUDIT_TARGET_TYPES, optional: true },
  targetId: optionalId,
  from: { kind: 'datetime', optional: true },
  to: { kind: 'datetime', optional: true },
};
const validAuditFilters = (ids: Ids) => ({
  tenant: 'alpha',
  action: 'question.pin',
  actorId: ids.userId,
  targetType: 'question',
  targetId: ids.questionId,
  from: '2020-01-01T00:00:00Z',
  to: '2040-01-01T00:00:00+01:00',
});

/** Any score of either pulse scale: the question's own range is checked once it is known. */
const pulseScore: FieldSpec = { kind: 'int', min: 0, max: 10 };

const pulseScale: FieldSpec = { kind: 'enum', values: PULSE_SCALES };
const pulseQuestionText: FieldSpec = { kind: 'text', min: 1, max: 200 };
const everyDay = (cohort: unknown) => Object.fromEntries(WEEKDAYS.map((day) => [day, cohort]));

/** The weeks of trend default to 12 when left out. */
const pulseResultsQuery: Entry = {
  type: 'query',
  caller: 'owner',
  fields: { tenant: slug, weeks: { kind: 'int', min: 1, max: 104, optional: true } },
  valid: () => ({ tenant: 'alpha', weeks: 12 }),
};

const TABLE: Record<string, Entry> = {
  'auth.signUp': {
    type: 'mutation',
    caller: 'owner',
    fields: { email: { kind: 'email' }, password: { kind: 'password', min: 8, max: 256 }, name: displayName },
    valid: () => ({
      email: `new-${unique()}@gamma.test`,
      password: 'a long enough password',
      name: 'New User',
    }),
  },
  'auth.signIn': {
    type: 'mutation',
    caller: 'owner',
    fields: { email: { kind: 'email' }, password: { kind: 'password', min: 1, max: 256 } },
    valid: () => ({ email: ACCOUNTS.owner.email, password: PASSWORD }),
  },
  'auth.signOut': {
    type: 'mutation',
    caller: 'session',
    fields: null,
    bodyIgnored: true,
    valid: () => undefined,
  },
  'auth.me': { type: 'query', caller: 'owner', fields: null, valid: () => undefined },
  'auth.demoAccounts': { type: 'query', caller: 'owner', fields: null, valid: () => undefined },
  'auth.publicUrl': { type: 'query', caller: 'owner', fields: null, valid: () => undefined },
  'auth.joinLink': {
    type: 'query',
    caller: 'owner',
    fields: { code: { kind: 'text', min: 8, max: 128 } },
    valid: (ids) => ({ code: ids.joinCode }),
  },
  'auth.openDisplay': {
    type: 'mutation',
    caller: 'owner',
    fields: { token: { kind: 'text', min: 8, max: 256 } },
    valid: (ids) => ({ token: ids.displayToken }),
  },
  'auth.joinWithCode': {
    type: 'mutation',
    caller: 'owner',
    fields: { code: { kind: 'text', min: 8, max: 128 }, name: { ...displayName, optional: true } },
    valid: (ids) => ({ code: ids.joinCode, name: 'A Guest' }),
  },
  'account.sessions': { type: 'query', caller: 'owner', fields: null, valid: () => undefined },
  'account.endSession': {
    type: 'mutation',
    caller: 'owner',
    fields: { sessionId: id },
    valid: () => ({ sessionId: randomUUID() }),
  },
  'account.answerEmails': { type: 'query', caller: 'owner', fields: null, valid: () => undefined },
  'account.setAnswerEmails': {
    type: 'mutation',
    caller: 'owner',
    fields: { enabled: bool },
    valid: () => ({ enabled: true }),
  },
  'account.signOutEverywhere': {
    type: 'mutation',
    caller: 'session',
    fields: null,
    bodyIgnored: true,
    valid: () => undefined,
  },
  'tenant.get': tenantOnly('query'),
  'tenant.create': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, name: displayName },
    valid: () => ({ tenant: `gamma-${unique()}`, name: 'Gamma Corp' }),
  },
  'tenant.updateSettings': {
    type: 'mutation',
    caller: 'owner',
    fields: {
      tenant: slug,
      name: { ...displayName, optional: true },
      requireApproval: { kind: 'bool', optional: true },
      allowGuests: { kind: 'bool', optional: true },
      minQuestionLength: { kind: 'int', min: 1, max: 2000, optional: true },
      maxQuestionLength: { kind: 'int', min: 1, max: 2000, optional: true },
      defaultLanguage: { kind: 'enum', values: LANGUAGES, optional: true, nullable: true },
    },
    valid: () => ({
      tenant: 'alpha',
      name: 'Alpha Renamed',
      defaultLanguage: 'de',
      requireApproval: true,
      allowGuests: true,
      minQuestionLength: 5,
      maxQuestionLength: 500,
    }),
  },
  'tenant.safetySettings': tenantOnly('query'),
  'tenant.updateSafetySettings': {
    type: 'mutation',
    caller: 'owner',
    fields: {
      tenant: slug,
      restrictedWords: { kind: 'list', of: 'word', max: 500, itemMax: 60, optional: true },
      displayFrameOrigins: { kind: 'list', of: 'origin', max: 20, itemMax: 200, optional: true },
    },
    valid: () => ({
      tenant: 'alpha',
      restrictedWords: ['moonshot'],
      displayFrameOrigins: ['https://intranet.alpha.test'],
    }),
  },
  'tenant.members': tenantOnly('query'),
  'tenant.setRole': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, userId: id, role },
    valid: (ids) => ({ tenant: 'alpha', userId: ids.userId, role: 'moderator' }),
  },
  'tenant.setMemberTeam': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, userId: id, teamId: { kind: 'uuid', nullable: true } },
    valid: (ids) => ({ tenant: 'alpha', userId: ids.userId, teamId: ids.teamId }),
  },
  'tenant.removeMember': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, userId: id },
    valid: (ids) => ({ tenant: 'alpha', userId: ids.userId }),
  },
  'tenant.removeGuests': tenantOnly('mutation'),
  'tenant.removedMembers': tenantOnly('query'),
  'tenant.readmitMember': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, userId: id },
    valid: (ids) => ({ tenant: 'alpha', userId: ids.userId }),
  },
  'tenant.access': tenantOnly('query'),
  'tenant.joinCode': tenantOnly('query'),
  'tenant.createJoinLink': tenantOnly('mutation'),
  'tenant.createDisplayLink': tenantOnly('mutation'),
  'tenant.revokeLink': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, linkId: id },
    valid: (ids) => ({ tenant: 'alpha', linkId: ids.displayLinkId }),
  },
  'tenant.createServiceToken': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, name: label, role },
    valid: () => ({ tenant: 'alpha', name: 'reporting bot', role: 'member' }),
  },
  'tenant.revokeServiceToken': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, tokenId: id },
    valid: (ids) => ({ tenant: 'alpha', tokenId: ids.tokenId }),
  },
  'team.list': tenantOnly('query'),
  'team.create': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, name: label },
    valid: () => ({ tenant: 'alpha', name: 'Sales' }),
  },
  'tag.list': tenantOnly('query'),
  'tag.create': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, name: label, color: { kind: 'color' } },
    valid: () => ({ tenant: 'alpha', name: 'roadmap', color: '#1f6feb' }),
  },
  'question.list': {
    type: 'query',
    caller: 'owner',
    fields: {
      tenant: slug,
      meetingId: id,
      status: { kind: 'enum', values: QUESTION_STATUSES, optional: true },
      teamId: optionalId,
      tagId: optionalId,
      search: { kind: 'text', min: 0, max: 200, optional: true },
      hidden: { kind: 'bool', optional: true },
      sort: { kind: 'enum', values: QUESTION_SORTS, optional: true },
      limit: { kind: 'int', min: 1, max: 100, optional: true },
      cursor: { kind: 'cursor', optional: true },
      direction: { kind: 'enum', values: ['forward'], optional: true },
    },
    valid: (ids) => ({
      tenant: 'alpha',
      meetingId: ids.meetingId,
      status: 'OPEN',
      teamId: ids.teamId,
      tagId: ids.tagId,
      search: 'uptime',
      hidden: false,
      sort: 'top',
      limit: 10,
      cursor: ids.cursor,
      direction: 'forward',
    }),
  },
  'question.get': { ...questionOnly, type: 'query' },
  'question.mine': {
    type: 'query',
    caller: 'owner',
    fields: {
      tenant: slug,
      meetingId: id,
      limit: { kind: 'int', min: 1, max: 100, optional: true },
      cursor: { kind: 'cursor', optional: true },
      direction: { kind: 'enum', values: ['forward'], optional: true },
    },
    valid: (ids) => ({
      tenant: 'alpha',
      meetingId: ids.meetingId,
      limit: 10,
      cursor: encodeCursor(['mine', '2020-01-01T00:00:00.000Z', ids.questionId]),
      direction: 'forward',
    }),
  },
  'question.submit': {
    type: 'mutation',
    caller: 'owner',
    fields: {
      tenant: slug,
      meetingId: id,
      body: { kind: 'text', min: 1, max: 2000 },
      teamId: { ...id, nullable: true },
      notifyWhenAnswered: { ...bool, optional: true },
    },
    valid: (ids) => ({
      tenant: 'alpha',
      meetingId: ids.meetingId,
      body: 'Is this a valid question?',
      teamId: ids.teamId,
      notifyWhenAnswered: true,
    }),
  },
  'question.similar': {
    type: 'query',
    caller: 'owner',
    fields: { tenant: slug, meetingId: id, body: { kind: 'text', min: 0, max: 2000 } },
    valid: (ids) => ({ tenant: 'alpha', meetingId: ids.meetingId, body: 'Is there uptime "*" NEAR (-x)?' }),
  },
  'question.upvote': questionOnly,
  'question.removeUpvote': questionOnly,
  'question.answer': {
    type: 'mutation',
    caller: 'owner',
    fields: {
      ...inQuestion,
      responseText: { kind: 'text', min: 1, max: 10000, optional: true, nullable: true },
    },
    valid: (ids) => ({ ...questionOf(ids), responseText: 'Yes, next quarter.' }),
  },
  'question.tag': questionAndTag,
  'question.untag': questionAndTag,
  'question.pin': {
    type: 'mutation',
    caller: 'owner',
    fields: { ...inQuestion, pinned: bool },
    valid: (ids) => ({ ...questionOf(ids), pinned: true }),
  },
  'question.approve': questionOnly,
  'question.reject': questionOnly,
  'question.edit': {
    type: 'mutation',
    caller: 'owner',
    fields: { ...inQuestion, body: { kind: 'text', min: 1, max: 2000 } },
    valid: (ids) => ({ ...questionOf(ids), body: 'Is this a better wording?' }),
  },
  'question.withdraw': questionOnly,
  'question.setNotify': {
    type: 'mutation',
    caller: 'owner',
    fields: { ...inQuestion, notify: bool },
    valid: (ids) => ({ ...questionOf(ids), notify: true }),
  },
  'question.hide': questionOnly,
  'question.restore': questionOnly,
  'question.reopen': questionOnly,
  'question.merge': {
    type: 'mutation',
    caller: 'owner',
    fields: { ...inQuestion, intoQuestionId: id },
    valid: (ids) => ({ ...questionOf(ids), intoQuestionId: ids.questionId }),
  },
  'queue.state': meetingOnly('query'),
  'queue.freeze': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, meetingId: id, frozen: bool },
    valid: (ids) => ({ tenant: 'alpha', meetingId: ids.meetingId, frozen: true }),
  },
  'events.subscribe': {
    type: 'subscription',
    caller: 'owner',
    fields: {
      tenant: slug,
      lastEventId: { kind: 'eventId' },
      versions: { kind: 'versions', optional: true },
    },
    valid: () => ({ tenant: 'alpha', lastEventId: '1', versions: { 'question:answered': 2 } }),
  },
  'meeting.export': {
    type: 'query',
    caller: 'owner',
    fields: { tenant: slug, meetingId: id, format: { kind: 'enum', values: ['csv', 'json'] } },
    valid: (ids) => ({ tenant: 'alpha', meetingId: ids.meetingId, format: 'csv' }),
  },
  'meeting.analytics': {
    type: 'query',
    caller: 'owner',
    fields: { tenant: slug, meetingId: id },
    valid: (ids) => ({ tenant: 'alpha', meetingId: ids.meetingId }),
  },
  'meeting.list': {
    type: 'query',
    caller: 'owner',
    fields: { tenant: slug, when: { kind: 'enum', values: MEETING_LISTS, optional: true } },
    valid: () => ({ tenant: 'alpha', when: 'upcoming' }),
  },
  'meeting.get': meetingOnly('query'),
  'meeting.create': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, ...meetingFields(false) },
    valid: () => ({ tenant: 'alpha', ...validMeetingFields() }),
  },
  'meeting.update': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, meetingId: id, ...meetingFields(true) },
    valid: (ids) => ({ tenant: 'alpha', meetingId: ids.meetingId, ...validMeetingFields() }),
  },
  'meeting.open': meetingOnly('mutation'),
  'meeting.close': meetingOnly('mutation'),
  'meeting.delete': meetingOnly('mutation'),
  'audit.list': {
    type: 'query',
    caller: 'owner',
    fields: {
      ...auditFilterFields,
      limit: { kind: 'int', min: 1, max: 100, optional: true },
      cursor: { kind: 'cursor', optional: true },
      direction: { kind: 'enum', values: ['forward'], optional: true },
    },
    valid: (ids) => ({
      ...validAuditFilters(ids),
      limit: 10,
      cursor: encodeCursor(['audit', '2030-01-01T00:00:00.000Z', ids.questionId]),
      direction: 'forward',
    }),
  },
  'audit.export': {
    type: 'query',
    caller: 'owner',
    fields: auditFilterFields,
    valid: validAuditFilters,
  },
  'pulse.settings': tenantOnly('query'),
  'pulse.updateSettings': {
    type: 'mutation',
    caller: 'owner',
    fields: {
      tenant: slug,
      enabled: { kind: 'bool', optional: true },
      timeZone: { kind: 'text', min: 1, max: 64, optional: true },
      timeOfDay: { kind: 'text', min: 5, max: 5, optional: true },
      cohorts: { kind: 'list', of: 'word', max: 7, itemMax: 40, optional: true },
      schedule: { kind: 'schedule', optional: true },
      threshold: { kind: 'int', min: 3, max: 1000, optional: true },
    },
    valid: () => ({
      tenant: 'alpha',
      enabled: true,
      timeZone: 'Europe/Berlin',
      timeOfDay: '09:30',
      cohorts: ['Everyone'],
      schedule: { ...everyDay('Everyone'), sunday: null },
      threshold: 5,
    }),
  },
  'pulse.questions': tenantOnly('query'),
  'sso.settings': tenantOnly('query'),
  'sso.updateSettings': {
    type: 'mutation',
    caller: 'owner',
    fields: {
      tenant: slug,
      enabled: { kind: 'bool', optional: true },
      issuer: { kind: 'text', min: 1, max: 500, optional: true },
      clientId: { kind: 'text', min: 1, max: 500, optional: true },
      clientSecret: { kind: 'text', min: 0, max: 1000, optional: true },
      allowedDomains: { kind: 'list', of: 'domain', max: 50, itemMax: 253, optional: true },
      requireSso: { kind: 'bool', optional: true },
    },
    valid: () => ({
      tenant: 'alpha',
      enabled: true,
      issuer: 'https://idp.alpha.test',
      clientId: 'pulsestage',
      clientSecret: 'a client secret',
      allowedDomains: ['alpha.test'],
      requireSso: false,
    }),
  },
  'sso.available': tenantOnly('query'),
  'pulse.createQuestion': {
    type: 'mutation',
    caller: 'owner',
    fields: {
      tenant: slug,
      text: pulseQuestionText,
      scale: pulseScale,
      teamId: { ...optionalId, nullable: true },
    },
    valid: (ids) => ({ tenant: 'alpha', text: `Workload ${unique()}?`, scale: 'agree5', teamId: ids.teamId }),
  },
  'pulse.updateQuestion': {
    type: 'mutation',
    caller: 'owner',
    fields: {
      tenant: slug,
      questionId: id,
      text: { ...pulseQuestionText, optional: true },
      scale: { ...pulseScale, optional: true },
      teamId: { ...optionalId, nullable: true },
      active: { kind: 'bool', optional: true },
    },
    valid: (ids) => ({
      tenant: 'alpha',
      questionId: ids.pulseQuestionId,
      text: 'Is your workload sustainable?',
      scale: 'likely10',
      teamId: ids.teamId,
      active: false,
    }),
  },
  'pulse.reorderQuestions': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, questionIds: { kind: 'list', of: 'uuid', max: 200, itemMax: 36 } },
    valid: (ids) => ({ tenant: 'alpha', questionIds: [ids.pulseQuestionId] }),
  },
  'pulse.results': pulseResultsQuery,
  'pulse.exportResults': pulseResultsQuery,
  'pulse.pending': tenantOnly('query'),
  'pulse.respond': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, invitationId: id, score: pulseScore },
    valid: () => ({ tenant: 'alpha', invitationId: randomUUID(), score: 3 }),
  },
  'pulse.setEmailPreference': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, emailInvitations: bool },
    valid: () => ({ tenant: 'alpha', emailInvitations: false }),
  },
  'notification.list': {
    type: 'query',
    caller: 'owner',
    fields: {
      tenant: slug,
      limit: { kind: 'int', min: 1, max: 50, optional: true },
      cursor: { kind: 'cursor', optional: true },
      direction: { kind: 'enum', values: ['forward'], optional: true },
    },
    valid: (ids) => ({
      tenant: 'alpha',
      limit: 10,
      cursor: encodeCursor(['notifications', '2020-01-01T00:00:00.000Z', ids.questionId]),
      direction: 'forward',
    }),
  },
  'notification.unreadCount': tenantOnly('query'),
  'notification.markRead': {
    type: 'mutation',
    caller: 'owner',
    fields: { tenant: slug, notificationId: optionalId },
    valid: () => ({ tenant: 'alpha', notificationId: randomUUID() }),
  },
  'notification.setEmailByLink': {
    type: 'mutation',
    caller: 'owner',
    fields: { token: { kind: 'text', min: 20, max: 128 }, enabled: bool },
    valid: () => ({ token: randomUUID().replaceAll('-', ''), enabled: false }),
  },
  'pulse.respondWithLink': {
    type: 'mutation',
    caller: 'owner',
    fields: { token: { kind: 'text', min: 20, max: 128 }, score: pulseScore },
    valid: () => ({ token: randomUUID().replaceAll('-', ''), score: 3 }),
  },
};

// ---------------------------------------------------------------------------------------------
// Bad values derived from a field's spec

const HUGE = 'x'.repeat(100_000);
const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const isStringKind = (spec: FieldSpec) => !['bool', 'int', 'enum', 'versions', 'list'].includes(spec.kind);
const isOptional = (spec: FieldSpec) =>
  spec.kind === 'eventId' || ('optional' in spec && spec.optional === true);
const isNullable = (spec: FieldSpec) =>
  spec.kind === 'eventId' || ('nullable' in spec && spec.nullable === true);

function wrongTypes(spec: FieldSpec, valid: unknown): unknown[] {
  if (spec.kind === 'list') return ['moonshot', 42, true, null, {}, [42], [null], [valid], [{}]];
  const values: unknown[] = [[], [valid]];
  if (!isNullable(spec)) values.push(null);
  if (spec.kind === 'versions') return [...values, 42, 'question:answered', true];
  values.push({}, { value: valid });
  switch (spec.kind) {
    case 'bool':
      return [...values, 'true', 'false', 1, 0];
    case 'int':
      return [...values, String(valid), true, 1.5];
    case 'enum':
      return [...values, 42, true];
    default:
      return [...values, 42, 0, true, false];
  }
}

function oversized(spec: FieldSpec): unknown[] {
  switch (spec.kind) {
    case 'slug':
      return ['x'.repeat(49), HUGE];
    case 'uuid':
      return [`${randomUUID()}${HUGE}`, HUGE];
    case 'email':
      return [`${'a'.repeat(250)}@alpha.test`, `${HUGE}@alpha.test`];
    case 'text':
    case 'password':
      return ['x'.repeat(spec.max + 1), HUGE];
    case 'color':
    case 'cursor':
    case 'datetime':
      return ['x'.repeat(513), HUGE];
    case 'int':
      return [spec.max + 1, Number.MAX_SAFE_INTEGER + 2, 1e308];
    case 'eventId':
      return ['1'.repeat(33), HUGE];
    case 'versions':
      return [{ [HUGE]: 1 }];
    case 'list': {
      const entries = {
        word: (index: number) => `word${index}`,
        origin: (index: number) => `https://host${index}.test`,
        uuid: () => randomUUID(),
        domain: (index: number) => `host${index}.test`,
      };
      const entry = entries[spec.of];
      const tooMany = Array.from({ length: spec.max + 1 }, (_, index) => entry(index));
      return [tooMany, [entry(0), 'x'.repeat(spec.itemMax + 1)], [HUGE]];
    }
    case 'schedule':
      return [everyDay('x'.repeat(41)), { ...everyDay(null), monday: HUGE }];
    case 'enum':
    case 'bool':
      return [HUGE];
  }
}

function malformed(spec: FieldSpec, valid: unknown): unknown[] {
  const sqlish = ["' OR '1'='1", "'; DROP TABLE questions; --", '1 UNION SELECT * FROM users'];
  switch (spec.kind) {
    case 'slug':
      return [
        '',
        'a',
        '-alpha',
        'alpha-',
        'al pha',
        'al_pha',
        'alpha.beta',
        'alpha/beta',
        '../alpha',
        "alpha' OR '1'='1",
        'alpha;--',
        'alpha%',
        'alpha\u0000',
        '\u202ealpha',
        'alpha\u200b',
        '\u0007alpha',
        'ålpha',
        'ａｌｐｈａ',
        ...sqlish,
      ];
    case 'uuid': {
      const uuid = String(valid ?? randomUUID());
      return [
        '',
        'not-a-uuid',
        '12345',
        uuid.slice(0, -1),
        `${uuid}0`,
        `{${uuid}}`,
        ` ${uuid}`,
        uuid.replaceAll('-', ''),
        `g${uuid.slice(1)}`,
        `${uuid}' OR '1'='1`,
        `${uuid}\u0000`,
        `\u202e${uuid}`,
        ...sqlish,
      ];
    }
    case 'email':
      return [
        '',
        'not-an-email',
        'a@',
        '@alpha.test',
        'a b@alpha.test',
        `${ACCOUNTS.owner.email}\u0000`,
        `${ACCOUNTS.owner.email}' OR '1'='1`,
        ...sqlish,
      ];
    case 'password':
      return spec.min > 1 ? ['', 'x'.repeat(spec.min - 1)] : [''];
    case 'text':
      if (spec.min === 0) return [];
      return spec.min > 1
        ? ['', ' '.repeat(spec.min + 2), ` ${'x'.repeat(spec.min - 1)} `]
        : ['', '   \n\t '];
    case 'datetime':
      return [
        '',
        'tomorrow',
        '2030-01-01',
        '2030-01-01T09:00:00',
        '2030-13-01T09:00:00Z',
        '2030-01-01T09:00:00Z\u0000',
        "2030-01-01T09:00:00Z' --",
        ...sqlish,
      ];
    case 'color':
      return ['', 'red', '#fff', '#12345g', '123456', '#1234567', ' #123456', "#123456' --", '#123456\u0000'];
    case 'cursor':
      return [
        '!!!',
        'not a cursor at all',
        encodeCursor([1, 2, 3]),
        encodeCursor('top'),
        encodeCursor({ sort: 'top' }),
        encodeCursor(['newest', '2020-01-01T00:00:00.000Z', randomUUID()]),
        encodeCursor(['top', -1, '2020-01-01T00:00:00.000Z', randomUUID()]),
        encodeCursor(['top', 1.5, '2020-01-01T00:00:00.000Z', randomUUID()]),
        encodeCursor(['top', '1 OR 1=1', '2020-01-01T00:00:00.000Z', randomUUID()]),
      ];
    case 'int':
      return [spec.min - 1, -1, -0.5];
    case 'enum': {
      const first = spec.values[0] ?? '';
      return [
        '',
        'superuser',
        first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase(),
      ].concat([`${first} `, `${first}' --`, `${first}\u0000`, ...sqlish]);
    }
    case 'bool':
      return ['yes', 'on'];
    case 'eventId':
      return [
        'abc',
        '-1',
        '1.5',
        '1e3',
        '0x10',
        ' 1',
        '１',
        "1' OR '1'='1",
        '1\u0000',
        '1; DROP TABLE events',
      ];
    case 'list':
      if (spec.of === 'uuid') {
        const uuid = randomUUID();
        return [[''], ['not-a-uuid'], [`${uuid}0`], [`${uuid}' OR '1'='1`], [uuid, '']];
      }
      if (spec.of === 'domain') {
        return [
          [''],
          ['alpha'],
          ['alpha test'],
          ['https://alpha.test'],
          ['*.alpha.test'],
          ["alpha.test' --"],
        ];
      }
      return spec.of === 'word'
        ? [[''], ['   '], ['\u200b\u200d'], ['\u202e'], ['fine', '\ufe0f'], ['ab\u0000cd']]
        : [
            [''],
            ['intranet.alpha.test'],
            ['http://intranet.alpha.test'],
            ['https://intranet.alpha.test/display'],
            ['https://*.alpha.test'],
            ['https://someone@intranet.alpha.test'],
            ['https://intranet.alpha.test?embed'],
            ['javascript:alert(1)'],
            ["https://alpha.test' --"],
          ];
    case 'versions':
      return [
        { 'question:nope': 1 },
        { 'question:answered': 99 },
        { 'question:answered': 0 },
        { 'question:answered': -1 },
        { 'question:answered': 1.5 },
        { 'question:answered': '2' },
        { 'question:answered': null },
        { "'; DROP TABLE events; --": 1 },
      ];
    case 'schedule': {
      const schedule = valid as Record<string, unknown>;
      const { tuesday: _dropped, ...withoutTuesday } = schedule;
      return [
        { ...schedule, monday: '' },
        { ...schedule, friday: '   ' },
        { ...schedule, saturday: 'ab\u0000cd' },
        { ...schedule, sunday: 42 },
        { ...schedule, holiday: 'Everyone' },
        withoutTuesday,
        // Well-formed, but no such cohort: the settings refuse it, naming the day.
        { ...schedule, monday: 'Nobody' },
      ];
    }
  }
}

/** A text value that is valid in every respect except that it contains the given characters. */
function withCharacters(spec: FieldSpec, characters: string): string {
  const min = spec.kind === 'text' ? spec.min : 1;
  return characters.repeat(Math.max(1, Math.ceil(min / characters.length)));
}

// ---------------------------------------------------------------------------------------------
// Sending cases and judging answers

interface Case {
  label: string;
  path: string;
  method: 'GET' | 'POST';
  /** Sent as JSON; `undefined` sends no input at all. */
  input?: unknown;
  /** Sent verbatim: the POST body, or the `?input=` value (already URL-encoded) of a GET. */
  raw?: string;
  cookie: string;
  /** The field the error must name (`BAD_REQUEST`, field path in the message). */
  field?: string;
  /** What the answer must be: 400 BAD_REQUEST, any 4xx with a JSON error, or just a 4xx. */
  expect: 'bad-request' | 'json-4xx' | '4xx';
  expectStatus?: number;
}

interface Answer {
  status: number;
  text: string;
  body: unknown;
}

interface ErrorBody {
  message?: unknown;
  data?: { code?: unknown; httpStatus?: unknown; issues?: { path?: unknown }[] };
}

async function send(app: TestApp, c: Case): Promise<Answer> {
  let url = `${app.url}/trpc/${c.path}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', cookie: c.cookie };
  let body: string | undefined;
  if (c.method === 'GET') {
    const query = c.raw ?? (c.input === undefined ? undefined : encodeURIComponent(JSON.stringify(c.input)));
    if (query !== undefined) url += `?input=${query}`;
  } else {
    body = c.raw ?? (c.input === undefined ? undefined : JSON.stringify(c.input));
  }
  const abort = new AbortController();
  try {
    const response = await fetch(url, { method: c.method, headers, body, signal: abort.signal });
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      return await subscriptionAnswer(response);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // kept as text
    }
    return { status: response.status, text, body: parsed };
  } finally {
    abort.abort();
  }
}

/**
 * A subscription's refusal is judged like a JSON error, with the HTTP status its error shape carries;
 * a stream that delivers anything else, or stays open, was accepted.
 */
async function subscriptionAnswer(response: Response): Promise<Answer> {
  const opening = await readSubscriptionOpening(response);
  if (opening.outcome === 'refused') {
    const shape = JSON.parse(opening.text) as ErrorBody;
    const status = typeof shape.data?.httpStatus === 'number' ? shape.data.httpStatus : 500;
    return { status, text: opening.text, body: { error: shape } };
  }
  return { status: opening.outcome === 'delivered' ? 200 : response.status, text: opening.text, body: null };
}

const LEAKS: [string, RegExp][] = [
  ['a stack trace', /\n\s+at\s|\bat\s+\S+\s+\(?\S+:\d+:\d+\)?/],
  ['a source path', /node_modules|\/src\/|\.[cm]?[jt]s:\d+/],
  ['SQL', /\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\s+"?\w+"?\s+set\b|\bdelete\s+from\b/i],
  [
    'a database error',
    /sqlite|postgres|\bpg_|violates|constraint|relation "|syntax error|invalid input syntax/i,
  ],
];

function judge(c: Case, answer: Answer): string[] {
  const where = `${c.method} ${c.path} ${c.label}`;
  const problems: string[] = [];
  const { status } = answer;
  if (status < 400 || status >= 500) return [`${where}: status ${status} ${answer.text.slice(0, 300)}`];
  for (const [what, pattern] of LEAKS) {
    if (pattern.test(answer.text))
      problems.push(`${where}: answer carries ${what}: ${answer.text.slice(0, 300)}`);
  }
  if (c.expectStatus !== undefined && status !== c.expectStatus) {
    problems.push(`${where}: expected status ${c.expectStatus}, got ${status}`);
  }
  if (c.expect === '4xx') return problems;

  const error = (answer.body as { error?: ErrorBody } | null)?.error;
  const message = typeof error?.message === 'string' ? error.message : '';
  if (!error || message.trim() === '') {
    problems.push(`${where}: no JSON error with a message: ${answer.text.slice(0, 300)}`);
    return problems;
  }
  if (c.expect === 'bad-request') {
    if (status !== 400 || error.data?.code !== 'BAD_REQUEST') {
      problems.push(
        `${where}: expected 400 BAD_REQUEST, got ${status} ${String(error.data?.code)}: ${message}`,
      );
    } else if (c.field !== undefined && !namesField(message, c.field)) {
      problems.push(`${where}: message does not name "${c.field}": ${message}`);
    }
  }
  return problems;
}

function namesField(message: string, field: string): boolean {
  return message
    .split('; ')
    .some(
      (part) => part.startsWith(`${field}:`) || part.startsWith(`${field}.`) || part.includes(`"${field}"`),
    );
}

async function runCases(app: TestApp, cases: Case[]): Promise<string[]> {
  const problems: string[] = [];
  const concurrency = 24;
  for (let start = 0; start < cases.length; start += concurrency) {
    const slice = cases.slice(start, start + concurrency);
    const answers = await Promise.all(slice.map((c) => send(app, c)));
    answers.forEach((answer, index) => {
      problems.push(...judge(slice[index] as Case, answer));
    });
  }
  return problems;
}

const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…(${text.length})` : text;
};

// ---------------------------------------------------------------------------------------------

describe.each(DIALECTS)('bad input on %s', { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let ids: Ids;
  const cookies: Record<Entry['caller'], string> = { owner: '', session: '' };

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const [owner, member] = await app.clients('owner', 'member');
    const team = await owner.team.create.mutate({ tenant: 'alpha', name: 'Engineering' });
    const tag = await owner.tag.create.mutate({ tenant: 'alpha', name: 'infra', color: '#123456' });
    // The owner has opened the meeting, as everyone who uses one has: opening it again counts no one new.
    await owner.meeting.get.query({ tenant: 'alpha', meetingId: app.meetingIds.alpha });
    const question = await member.question.submit.mutate({
      tenant: 'alpha',
      meetingId: app.meetingIds.alpha,
      body: 'Alpha question about 100% uptime',
      teamId: team.id,
    });
    await owner.question.tag.mutate({
      tenant: 'alpha',
      meetingId: app.meetingIds.alpha,
      questionId: question.id,
      tagId: tag.id,
    });
    const joinLink = await owner.tenant.createJoinLink.mutate({ tenant: 'alpha' });
    const displayLink = await owner.tenant.createDisplayLink.mutate({ tenant: 'alpha' });
    const token = await owner.tenant.createServiceToken.mutate({
      tenant: 'alpha',
      name: 'bot',
      role: 'member',
    });
    const pulseQuestion = await owner.pulse.createQuestion.mutate({
      tenant: 'alpha',
      text: 'How sustainable is your workload?',
      scale: 'agree5',
    });
    ids = {
      meetingId: app.meetingIds.alpha,
      questionId: question.id,
      tagId: tag.id,
      teamId: team.id,
      userId: app.userIds.member,
      joinCode: joinLink.code,
      displayLinkId: displayLink.id,
      displayToken: displayLink.token,
      tokenId: token.id,
      cursor: encodeCursor(['top', 0, question.submittedAt, question.id]),
      pulseQuestionId: pulseQuestion.id,
    };
    cookies.owner = await app.cookieOf('owner');
    const signedIn = await app.raw('POST', 'auth.signIn', {
      email: ACCOUNTS.member2.email,
      password: PASSWORD,
    });
    cookies.session = sessionCookieFrom(signedIn.headers) ?? '';
    expect(cookies.session).not.toBe('');
  }, 60_000);
  afterAll(() => app?.close());

  const entries = () => Object.entries(TABLE);
  const methodOf = (entry: Entry) => (entry.type === 'mutation' ? 'POST' : 'GET');
  const validOf = (entry: Entry): Input => entry.valid(ids) ?? {};

  /** Runs the cases and checks that they leave every row of every table as it was. */
  async function expectRefusedWithoutChange(cases: Case[]): Promise<void> {
    expect(cases.length).toBeGreaterThan(0);
    const before = await snapshotData(app.db);
    const problems = await runCases(app, cases);
    const after = await snapshotData(app.db);
    expect(problems).toEqual([]);
    expect(after).toEqual(before);
  }

  /** One case per (field, value): the valid input with that field replaced. */
  function fieldCases(label: string, valuesOf: (spec: FieldSpec, valid: unknown) => unknown[]): Case[] {
    return entries().flatMap(([path, entry]) =>
      Object.entries(entry.fields ?? {}).flatMap(([field, spec]) => {
        const valid = validOf(entry);
        return valuesOf(spec, valid[field]).map(
          (value): Case => ({
            label: `${label} ${field}=${short(value)}`,
            path,
            method: methodOf(entry),
            input: { ...valid, [field]: value },
            cookie: cookies[entry.caller],
            field,
            // Node refuses a request line over 16 KiB itself (431), before the API sees it.
            expect: methodOf(entry) === 'GET' && JSON.stringify(value).length > 8000 ? '4xx' : 'bad-request',
          }),
        );
      }),
    );
  }

  it('has a table entry for every procedure of the router, and none for procedures that do not exist', () => {
    expectEntryPerProcedure(TABLE);
  });

  it("describes every procedure's input faithfully: the valid input passes the procedure's own parsers", async () => {
    const procedures = routerProcedures();
    for (const [path, entry] of entries()) {
      const parsers = procedures[path]?._def.inputs ?? [];
      if (entry.fields === null) {
        expect(parsers, path).toEqual(entry.bodyIgnored ? [] : [noInput]);
        continue;
      }
      expect(Object.keys(validOf(entry)).sort(), path).toEqual(Object.keys(entry.fields).sort());
      expect(parsers.length, path).toBeGreaterThan(0);
      for (const parser of parsers) {
        const result = await validateInput(parser, validOf(entry));
        expect(result.issues, `${path}: ${JSON.stringify(result.issues)}`).toBeUndefined();
      }
    }
  });

  it('accepts the valid input of every procedure that only reads (so refusals below come from the change)', async () => {
    const before = await snapshotData(app.db);
    const readers = entries().filter(([, entry]) => entry.type !== 'mutation');
    const answers = await Promise.all(
      readers.map(([path, entry]) =>
        send(app, {
          label: 'valid',
          path,
          method: 'GET',
          input: entry.valid(ids),
          cookie: cookies[entry.caller],
          expect: '4xx',
        }),
      ),
    );
    expect(answers.map((answer, index) => `${readers[index]?.[0]}: ${answer.status}`)).toEqual(
      readers.map(([path]) => `${path}: 200`),
    );
    expect(await snapshotData(app.db)).toEqual(before);
  });

  it('refuses wrong-type values and missing required fields with 400 naming the field', async () => {
    const missing = entries().flatMap(([path, entry]) =>
      Object.entries(entry.fields ?? {})
        .filter(([, spec]) => !isOptional(spec) && !isNullable(spec))
        .map(([field]): Case => {
          const { [field]: _dropped, ...rest } = validOf(entry);
          return {
            label: `missing ${field}`,
            path,
            method: methodOf(entry),
            input: rest,
            cookie: cookies[entry.caller],
            field,
            expect: 'bad-request',
          };
        }),
    );
    await expectRefusedWithoutChange([...fieldCases('wrong type', wrongTypes), ...missing]);
  });

  it('refuses oversized strings and out-of-range numbers with 400 naming the field', async () => {
    // 40k in every string field at once keeps the body under the 256 KiB limit.
    const everyStringHuge = entries()
      .filter(
        ([, entry]) => entry.type === 'mutation' && Object.values(entry.fields ?? {}).some(isStringKind),
      )
      .map(([path, entry]): Case => {
        const input = { ...validOf(entry) };
        for (const [field, spec] of Object.entries(entry.fields ?? {})) {
          if (isStringKind(spec)) input[field] = HUGE.slice(0, 40_000);
        }
        return {
          label: 'every string 40k',
          path,
          method: 'POST',
          input,
          cookie: cookies[entry.caller],
          expect: 'bad-request',
        };
      });
    const specific: Case[] = [
      ['question.submit', 'body', 'x'.repeat(2001)],
      ['question.submit', 'body', ` ${'x'.repeat(2001)} `],
      ['question.answer', 'responseText', 'x'.repeat(10001)],
    ].map(([path, field, value]) => ({
      label: `${field} of ${value?.length} chars`,
      path: path as string,
      method: 'POST',
      input: { ...validOf(TABLE[path as string] as Entry), [field as string]: value },
      cookie: cookies.owner,
      field,
      expect: 'bad-request',
    }));
    await expectRefusedWithoutChange([
      ...fieldCases('oversized', oversized),
      ...everyStringHuge,
      ...specific,
    ]);
  });

  it('refuses malformed ids, tenant slugs, emails, colours, enums, numbers and cursors with 400 naming the field', async () => {
    await expectRefusedWithoutChange(fieldCases('malformed', malformed));
  });

  it('refuses unknown extra keys, __proto__ and constructor included', async () => {
    const cases = entries()
      .filter(([, entry]) => entry.fields !== null)
      .flatMap(([path, entry]): Case[] => {
        const valid = validOf(entry);
        const base = { path, method: methodOf(entry), cookie: cookies[entry.caller] } as const;
        const extras: Case[] = [
          ['unexpected', true],
          ['tenantId', app.tenantIds.beta],
          ['authorId', app.userIds.member],
          ['id', randomUUID()],
          ['status', 'ANSWERED'],
          ['role', 'owner'],
        ]
          .filter(([key]) => !Object.hasOwn(valid, String(key)))
          .map(([key, value]) => ({
            ...base,
            label: `extra key ${key}`,
            input: { ...valid, [String(key)]: value },
            field: String(key),
            expect: 'bad-request',
          }));
        const json = JSON.stringify(valid);
        const prototypeKeys = [
          `{"__proto__":{"role":"owner","isAdmin":true},${json.slice(1)}`,
          `{"constructor":{"prototype":{"role":"owner"}},${json.slice(1)}`,
        ].map(
          (raw): Case => ({
            ...base,
            label: `extra key in ${raw.slice(0, 30)}`,
            raw: base.method === 'GET' ? encodeURIComponent(raw) : raw,
            expect: 'bad-request',
          }),
        );
        return [...extras, ...prototypeKeys];
      });
    await expectRefusedWithoutChange(cases);
  });

  it('refuses inputs that are not an object (null, scalars, arrays, empty, not JSON) with 400', async () => {
    const cases = entries()
      .filter(([, entry]) => entry.fields !== null)
      .flatMap(([path, entry]): Case[] => {
        const method = methodOf(entry);
        const base = { path, method, cookie: cookies[entry.caller], expect: 'bad-request' } as const;
        const firstRequired = Object.entries(entry.fields ?? {}).find(([, spec]) => !isOptional(spec))?.[0];
        const asJson: Case[] = [null, 'alpha', '', 42, true, [], [validOf(entry)], ['alpha']].map(
          (input) => ({
            ...base,
            label: `input ${short(input)}`,
            input,
          }),
        );
        const notJson = [
          '{not json',
          "{'tenant':'alpha'}",
          '{"tenant":"alpha",}',
          'undefined',
          'NaN',
          '[',
          '"',
        ];
        return [
          ...asJson,
          { ...base, label: 'input {}', input: {}, field: firstRequired },
          { ...base, label: 'no input at all', input: undefined },
          ...notJson.map((raw) => ({
            ...base,
            label: `not JSON ${raw}`,
            raw: method === 'GET' ? encodeURIComponent(raw) : raw,
          })),
        ];
      });
    await expectRefusedWithoutChange(cases);
  });

  it('refuses a request body over 256 KiB with 413, and an oversized query URL with a 4xx', async () => {
    const cases = entries()
      .filter(([, entry]) => entry.fields !== null)
      .map(([path, entry]): Case => {
        const valid = validOf(entry);
        const padded = JSON.stringify({ ...valid, padding: 'x'.repeat(300 * 1024) });
        return entry.type === 'mutation'
          ? {
              label: 'body over 256 KiB',
              path,
              method: 'POST',
              raw: padded,
              cookie: cookies[entry.caller],
              expect: 'json-4xx',
              expectStatus: 413,
            }
          : {
              label: 'URL of 300 KiB',
              path,
              method: 'GET',
              raw: encodeURIComponent(padded),
              cookie: cookies[entry.caller],
              expect: '4xx',
            };
      });
    await expectRefusedWithoutChange(cases);
  });

  it('answers GET on a mutation and POST on a query with 405', async () => {
    const cases = entries().map(
      ([path, entry]): Case => ({
        label: 'wrong method',
        path,
        method: methodOf(entry) === 'GET' ? 'POST' : 'GET',
        input: entry.valid(ids),
        cookie: cookies[entry.caller],
        expect: 'json-4xx',
        expectStatus: 405,
      }),
    );
    await expectRefusedWithoutChange(cases);
  });

  it('answers an unknown procedure path with 404', async () => {
    const paths = [
      'nope',
      'question.nope',
      'question',
      'question.list.more',
      'events.nope',
      'auth.signIn.x',
      '__proto__',
      'constructor',
      'toString',
      'question.__proto__',
      'question.constructor',
      'hasOwnProperty',
      'tenant.valueOf',
    ];
    const cases = paths.flatMap((path) =>
      (['GET', 'POST'] as const).map(
        (method): Case => ({
          label: 'unknown procedure',
          path,
          method,
          input: { tenant: 'alpha' },
          cookie: cookies.owner,
          expect: 'json-4xx',
          expectStatus: 404,
        }),
      ),
    );
    await expectRefusedWithoutChange(cases);
  });

  it('refuses any input given to a procedure that takes none', async () => {
    const cases = entries()
      .filter(([, entry]) => entry.fields === null && !entry.bodyIgnored)
      .flatMap(([path, entry]) => {
        const method = methodOf(entry);
        const base = { path, method, cookie: cookies[entry.caller], expect: 'bad-request' } as const;
        return [
          ...[{ unexpected: true }, { tenant: 'alpha' }, [1], 'alpha', 42, true].map(
            (input): Case => ({ ...base, label: `input ${short(input)}`, input }),
          ),
          {
            ...base,
            label: 'not JSON',
            raw: method === 'GET' ? encodeURIComponent('{not json') : '{not json',
          },
          { ...base, label: 'a long string', input: HUGE.slice(0, method === 'GET' ? 5000 : HUGE.length) },
          ...(method === 'POST'
            ? [
                {
                  ...base,
                  label: 'body over 256 KiB',
                  raw: JSON.stringify({ padding: 'x'.repeat(300 * 1024) }),
                  expect: 'json-4xx' as const,
                  expectStatus: 413,
                },
              ]
            : []),
        ];
      });
    await expectRefusedWithoutChange(cases);
  });

  it('refuses a NUL byte in any text field with 400 naming the field', async () => {
    const cases = fieldCases('NUL in', (spec) =>
      spec.kind === 'text' ? [withCharacters(spec, 'ab\u0000cd')] : [],
    );
    const list = TABLE['question.list'] as Entry;
    cases.push({
      label: 'NUL inside a well-formed cursor',
      path: 'question.list',
      method: 'GET',
      input: {
        ...validOf(list),
        cursor: encodeCursor(['top', 0, '2020-01-01T00:00:00.000Z\u0000', ids.questionId]),
      },
      cookie: cookies.owner,
      field: 'cursor',
      expect: 'bad-request',
    });
    await expectRefusedWithoutChange(cases);
  });

  it('refuses text that consists only of control characters with 400 naming the field', async () => {
    const cases = fieldCases('only control characters in', (spec) =>
      spec.kind === 'text'
        ? [withCharacters(spec, '\u0000'), withCharacters(spec, '\u0007\u001b\u0008')]
        : [],
    );
    await expectRefusedWithoutChange(cases);
  });

  it('treats SQL-ish and wildcard search text literally, changing nothing', async () => {
    const before = await snapshotData(app.db);
    const searches: [string, number][] = [
      ['%', 1],
      ['100%', 1],
      ['_', 0],
      ['\\', 0],
      ["' OR '1'='1", 0],
      ["%' OR 1=1 --", 0],
      ['"; DROP TABLE questions; --', 0],
      // Bidi controls are dropped from text, leaving an empty search that lists everything.
      ['\u202e', 1],
      ['UPTIME', 1],
    ];
    const answers = await Promise.all(
      searches.map(([search]) =>
        app.raw(
          'GET',
          'question.list',
          { tenant: 'alpha', meetingId: ids.meetingId, search },
          { cookie: cookies.owner },
        ),
      ),
    );
    const counts = answers.map((answer, index) => {
      const items = (answer.body as { result?: { data?: { items?: unknown[] } } }).result?.data?.items;
      return [searches[index]?.[0], answer.status, items?.length];
    });
    expect(counts).toEqual(searches.map(([search, count]) => [search, 200, count]));
    expect(await snapshotData(app.db)).toEqual(before);
  });

  // Last: this one changes data on purpose.
  it('stores SQL-ish free text verbatim and leaves the other tables intact', async () => {
    const owner = await app.as('owner');
    const counts = async () => {
      const snapshot = await snapshotData(app.db);
      return Object.fromEntries(Object.entries(snapshot).map(([table, rows]) => [table, rows.length]));
    };
    const before = await counts();
    const text = `Robert'); DROP TABLE questions; -- " OR 1=1; SELECT * FROM users WHERE '' = '`;
    const tagName = text.slice(0, 40).trim();
    const tag = await owner.tag.create.mutate({ tenant: 'alpha', name: tagName, color: '#abcdef' });
    const inMeeting = { tenant: 'alpha', meetingId: ids.meetingId };
    const question = await owner.question.submit.mutate({ ...inMeeting, body: text });
    expect(tag.name).toBe(tagName);
    expect((await owner.question.get.query({ ...inMeeting, questionId: question.id })).body).toBe(text);
    expect((await owner.tag.list.query({ tenant: 'alpha' })).map((t) => t.name)).toContain(tagName);
    const after = await counts();
    expect(after).toEqual({
      ...before,
      tags: (before.tags ?? 0) + 1,
      questions: (before.questions ?? 0) + 1,
      // The owner, already a participant, is not counted again.
      events: (before.events ?? 0) + 1,
      // Making the tag is an organizer's action; asking is not.
      audit_log: (before.audit_log ?? 0) + 1,
    });
  });
});
