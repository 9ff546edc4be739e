/**
 * Tenant isolation, procedure by procedure: no query, mutation, event or error message reveals anything
 * of another tenant, and a wrong tenant is FORBIDDEN without saying whether the other tenant's object
 * exists.
 *
 * Every procedure of the router has an entry in TABLE. For each tenant-scoped one:
 *  (a) beta's member and owner naming tenant `alpha` are refused with 403, whether the ids exist or not;
 *  (b) beta's owner naming tenant `beta` with alpha's object ids is refused exactly as with ids that
 *      exist nowhere, so nothing tells whether the alpha object exists;
 *  (c) alpha's service token and display link are refused with 403 on tenant `beta`;
 *  (d) no answer carries anything of alpha that the request did not name;
 * and none of it changes any data.
 */
import { randomUUID } from 'node:crypto';
import { readSubscriptionOpening } from '@pulsestage/test-harness/sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ACCOUNTS, type AccountName } from '../test-support/fixture.js';
import { expectEntryPerProcedure, routerProcedures, validateInput } from '../test-support/procedures.js';
import { insertPulseQuestion, insertPulseSend } from '../test-support/pulse.js';
import { snapshotData } from '../test-support/snapshot.js';

// ---------------------------------------------------------------------------------------------
// The table

/** The objects a request can name, one of each kind. */
interface Objects {
  meetingId: string;
  questionId: string;
  tagId: string;
  teamId: string;
  userId: string;
  linkId: string;
  tokenId: string;
  /** A member's pulse invitation. */
  invitationId: string;
  pulseQuestionId: string;
  /** A member's notification that their question was answered. */
  notificationId: string;
}

type Input = Record<string, unknown>;

interface Entry {
  type: 'query' | 'mutation' | 'subscription';
  /** `global`: not inside a tenant (auth, creating a tenant); checked separately below. */
  scope: 'tenant' | 'global';
  input?: (tenant: string, objects: Objects) => Input;
  /** The object ids the input names; each is swapped for an alpha id in (b). */
  refs?: (keyof Objects)[];
  /**
   * How (b) must end: refused as NOT_FOUND, refused as BAD_REQUEST (a foreign teamId on submit),
   * or, for a list filter, an empty page; per ref when they differ.
   */
  foreign?: Outcome | { [Ref in keyof Objects]?: Outcome };
}

type Outcome = 'NOT_FOUND' | 'BAD_REQUEST' | 'empty';

const outcomeFor = (entry: Entry, ref: keyof Objects): Outcome =>
  (typeof entry.foreign === 'object' ? entry.foreign[ref] : entry.foreign) ?? 'NOT_FOUND';

const outside = (type: Entry['type']): Entry => ({ type, scope: 'global' });
const scoped = (
  type: Entry['type'],
  input: Entry['input'] = (tenant) => ({ tenant }),
  refs: Entry['refs'] = [],
  foreign: Entry['foreign'] = 'NOT_FOUND',
): Entry => ({ type, scope: 'tenant', input, refs, foreign });

const inMeeting = (
  type: Entry['type'],
  input: Entry['input'] = (tenant, o) => ({ tenant, meetingId: o.meetingId }),
) => scoped(type, input, ['meetingId']);
const onQuestion = (extra: Input = {}) =>
  scoped(
    'mutation',
    (tenant, o) => ({ tenant, meetingId: o.meetingId, questionId: o.questionId, ...extra }),
    ['meetingId', 'questionId'],
  );
const onQuestionAndTag = scoped(
  'mutation',
  (tenant, o) => ({ tenant, meetingId: o.meetingId, questionId: o.questionId, tagId: o.tagId }),
  ['meetingId', 'questionId', 'tagId'],
);

const TABLE: Record<string, Entry> = {
  'auth.signUp': outside('mutation'),
  'auth.signIn': outside('mutation'),
  'auth.signOut': outside('mutation'),
  'auth.me': outside('query'),
  'auth.demoAccounts': outside('query'),
  'auth.publicUrl': outside('query'),
  'auth.joinLink': outside('query'),
  'auth.openDisplay': outside('mutation'),
  'auth.joinWithCode': outside('mutation'),
  'account.sessions': outside('query'),
  'account.endSession': outside('mutation'),
  'account.signOutEverywhere': outside('mutation'),
  'account.answerEmails': outside('query'),
  'account.setAnswerEmails': outside('mutation'),
  'tenant.create': outside('mutation'),
  'tenant.get': scoped('query'),
  'tenant.updateSettings': scoped('mutation', (tenant) => ({
    tenant,
    name: 'Taken Over',
    requireApproval: true,
    allowGuests: true,
  })),
  'tenant.safetySettings': scoped('query'),
  'tenant.updateSafetySettings': scoped('mutation', (tenant) => ({
    tenant,
    restrictedWords: ['intruder'],
    displayFrameOrigins: ['https://intruder.example'],
  })),
  'tenant.members': scoped('query'),
  'tenant.setRole': scoped('mutation', (tenant, o) => ({ tenant, userId: o.userId, role: 'owner' }), [
    'userId',
  ]),
  'tenant.removeMember': scoped('mutation', (tenant, o) => ({ tenant, userId: o.userId }), ['userId']),
  'tenant.setMemberTeam': scoped(
    'mutation',
    (tenant, o) => ({ tenant, userId: o.userId, teamId: o.teamId }),
    ['userId', 'teamId'],
    { teamId: 'BAD_REQUEST' },
  ),
  'tenant.removeGuests': scoped('mutation'),
  'tenant.removedMembers': scoped('query'),
  'tenant.readmitMember': scoped('mutation', (tenant, o) => ({ tenant, userId: o.userId }), ['userId']),
  'tenant.access': scoped('query'),
  'tenant.joinCode': scoped('query'),
  'tenant.createJoinLink': scoped('mutation'),
  'tenant.createDisplayLink': scoped('mutation'),
  'tenant.revokeLink': scoped('mutation', (tenant, o) => ({ tenant, linkId: o.linkId }), ['linkId']),
  'tenant.createServiceToken': scoped('mutation', (tenant) => ({ tenant, name: 'intruder', role: 'owner' })),
  'tenant.revokeServiceToken': scoped('mutation', (tenant, o) => ({ tenant, tokenId: o.tokenId }), [
    'tokenId',
  ]),
  'team.list': scoped('query'),
  'team.create': scoped('mutation', (tenant) => ({ tenant, name: 'Intruders' })),
  'tag.list': scoped('query'),
  'tag.create': scoped('mutation', (tenant) => ({ tenant, name: 'intruder', color: '#000000' })),
  'question.list': scoped(
    'query',
    (tenant, o) => ({ tenant, meetingId: o.meetingId, teamId: o.teamId, tagId: o.tagId }),
    ['meetingId', 'teamId', 'tagId'],
    { teamId: 'empty', tagId: 'empty' },
  ),
  'question.get': scoped(
    'query',
    (tenant, o) => ({ tenant, meetingId: o.meetingId, questionId: o.questionId }),
    ['meetingId', 'questionId'],
  ),
  'question.mine': inMeeting('query'),
  'question.similar': inMeeting('query', (tenant, o) => ({
    tenant,
    meetingId: o.meetingId,
    body: 'confidential question about the merger',
  })),
  'question.submit': scoped(
    'mutation',
    (tenant, o) => ({
      tenant,
      meetingId: o.meetingId,
      body: 'A question planted from outside',
      teamId: o.teamId,
    }),
    ['meetingId', 'teamId'],
    { teamId: 'BAD_REQUEST' },
  ),
  'question.upvote': onQuestion(),
  'question.removeUpvote': onQuestion(),
  'question.answer': onQuestion({ responseText: 'An answer planted from outside' }),
  'question.tag': onQuestionAndTag,
  'question.untag': onQuestionAndTag,
  'question.pin': onQuestion({ pinned: true }),
  'question.approve': onQuestion(),
  'question.reject': onQuestion(),
  'question.edit': onQuestion({ body: 'An edit planted from outside' }),
  'question.withdraw': onQuestion(),
  'question.setNotify': onQuestion({ notify: true }),
  'notification.list': scoped('query'),
  'notification.unreadCount': scoped('query'),
  'notification.markRead': scoped('mutation', (tenant, o) => ({ tenant, notificationId: o.notificationId }), [
    'notificationId',
  ]),
  'notification.setEmailByLink': outside('mutation'),
  'question.hide': onQuestion(),
  'question.restore': onQuestion(),
  'question.reopen': onQuestion(),
  'question.merge': scoped(
    'mutation',
    (tenant, o) => ({
      tenant,
      meetingId: o.meetingId,
      questionId: o.questionId,
      intoQuestionId: o.questionId,
    }),
    ['meetingId', 'questionId'],
  ),
  'queue.state': inMeeting('query'),
  'queue.freeze': inMeeting('mutation', (tenant, o) => ({ tenant, meetingId: o.meetingId, frozen: true })),
  'events.subscribe': scoped('subscription'),
  'meeting.export': scoped('query', (tenant, o) => ({ tenant, meetingId: o.meetingId, format: 'json' }), [
    'meetingId',
  ]),
  'meeting.analytics': scoped('query', (tenant, o) => ({ tenant, meetingId: o.meetingId }), ['meetingId']),
  'meeting.list': scoped('query'),
  'meeting.get': inMeeting('query'),
  'meeting.create': scoped('mutation', (tenant) => ({ tenant, title: 'A meeting planted from outside' })),
  'meeting.update': inMeeting('mutation', (tenant, o) => ({
    tenant,
    meetingId: o.meetingId,
    title: 'Taken over',
  })),
  'meeting.open': inMeeting('mutation'),
  'meeting.close': inMeeting('mutation'),
  'meeting.delete': inMeeting('mutation'),
  'audit.list': scoped(
    'query',
    (tenant, o) => ({ tenant, actorId: o.userId, targetId: o.meetingId }),
    ['userId', 'meetingId'],
    'empty',
  ),
  'audit.export': scoped('query', (tenant) => ({ tenant, action: 'question.pin' })),
  'pulse.results': scoped('query', (tenant) => ({ tenant, weeks: 4 })),
  'pulse.exportResults': scoped('query', (tenant) => ({ tenant, weeks: 4 })),
  'pulse.pending': scoped('query'),
  'pulse.respond': scoped('mutation', (tenant, o) => ({ tenant, invitationId: o.invitationId, score: 3 }), [
    'invitationId',
  ]),
  'pulse.setEmailPreference': scoped('mutation', (tenant) => ({ tenant, emailInvitations: false })),
  'pulse.respondWithLink': outside('mutation'),
  'sso.settings': scoped('query'),
  'sso.updateSettings': scoped('mutation', (tenant) => ({
    tenant,
    enabled: true,
    issuer: 'https://intruder.example',
    clientId: 'intruder',
    clientSecret: 'an intruder secret',
    allowedDomains: ['intruder.example'],
    requireSso: true,
  })),
  'sso.available': outside('query'),
  'pulse.settings': scoped('query'),
  'pulse.updateSettings': scoped('mutation', (tenant) => ({ tenant, enabled: true, threshold: 3 })),
  'pulse.questions': scoped('query'),
  'pulse.createQuestion': scoped(
    'mutation',
    (tenant, o) => ({
      tenant,
      text: 'A pulse question planted from outside',
      scale: 'agree5',
      teamId: o.teamId,
    }),
    ['teamId'],
    'BAD_REQUEST',
  ),
  'pulse.updateQuestion': scoped(
    'mutation',
    (tenant, o) => ({ tenant, questionId: o.pulseQuestionId, text: 'Taken over', teamId: o.teamId }),
    ['pulseQuestionId', 'teamId'],
    { teamId: 'BAD_REQUEST' },
  ),
  'pulse.reorderQuestions': scoped(
    'mutation',
    (tenant, o) => ({ tenant, questionIds: [o.pulseQuestionId] }),
    ['pulseQuestionId'],
    'BAD_REQUEST',
  ),
};

// ---------------------------------------------------------------------------------------------
// Requests

interface Request {
  label: string;
  path: string;
  input: unknown;
  cookie?: string;
  bearer?: string;
}

interface Answer {
  status: number;
  /** The JSON body as sent (for a subscription: the refusal event's data). */
  text: string;
  code: string | undefined;
  message: string | undefined;
}

async function send(app: TestApp, type: Entry['type'], request: Request): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.cookie) headers.cookie = request.cookie;
  if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
  const json = JSON.stringify(request.input);
  const query = type === 'mutation' || json === undefined ? '' : `?input=${encodeURIComponent(json)}`;
  const url = `${app.url}/trpc/${request.path}${query}`;
  const abort = new AbortController();
  try {
    const response = await fetch(url, {
      method: type === 'mutation' ? 'POST' : 'GET',
      headers,
      body: type === 'mutation' ? json : undefined,
      signal: abort.signal,
    });
    const text = response.headers.get('content-type')?.startsWith('text/event-stream')
      ? (await readSubscriptionOpening(response)).text
      : await response.text();
    return toAnswer(response.status, text);
  } finally {
    abort.abort();
  }
}

function toAnswer(httpStatus: number, text: string): Answer {
  let parsed: { error?: ErrorShape } & ErrorShape = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    return { status: httpStatus, text, code: undefined, message: undefined };
  }
  // A subscription's refusal event carries the error shape itself, with its HTTP status.
  const shape = parsed.error ?? (parsed.data?.httpStatus ? parsed : undefined);
  const status = typeof shape?.data?.httpStatus === 'number' ? shape.data.httpStatus : httpStatus;
  return { status, text, code: shape?.data?.code, message: shape?.message };
}

interface ErrorShape {
  message?: string;
  data?: { code?: string; httpStatus?: number };
}

/** A pulse invitation of `userId` to a question of its own. */
async function pulseInvitation(app: TestApp, tenantId: string, userId: string): Promise<string> {
  const questionId = await insertPulseQuestion(app.db, tenantId);
  const invitations = await insertPulseSend(app.db, { tenantId, questionId, userIds: [userId] });
  return invitations.get(userId) as string;
}

/** The notification that the question's answer left its author. */
async function notificationOf(app: TestApp, questionId: string): Promise<string> {
  const row = await app.db
    .selectFrom('notifications')
    .select('id')
    .where('questionId', '=', questionId)
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---------------------------------------------------------------------------------------------

describe.each(DIALECTS)('cross-tenant isolation on %s', { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let alpha: Objects;
  let beta: Objects;
  /** Every alpha id of each kind: (b) tries all of them. */
  let alphaCandidates: Record<keyof Objects, string[]>;
  /** The public id of alpha's owner's session, which a beta user's session list must never show. */
  let alphaSessionId: string;
  let alphaServiceToken: string;
  let alphaDisplayToken: string;
  /** Strings that must never reach a beta caller unless its own request named them. */
  let alphaSecrets: string[];
  const cookies = {} as Record<AccountName, string>;

  const ALPHA_QUESTION = 'Alpha confidential question about the merger';
  const ALPHA_ANSWER = 'Alpha confidential answer';
  const ALPHA_PULSE_QUESTION = 'Alpha confidential pulse about the reorganization';
  const ALPHA_SSO = {
    issuer: 'https://alpha-confidential-idp.example',
    clientId: 'alpha-confidential-client',
    clientSecret: 'alpha-confidential-client-secret',
    allowedDomains: ['alpha-confidential.example'],
  };

  beforeAll(async () => {
    app = await startTestApp(dialect);
    for (const account of Object.keys(ACCOUNTS) as AccountName[])
      cookies[account] = await app.cookieOf(account);

    const [owner, member] = await app.clients('owner', 'member');
    const team = await owner.team.create.mutate({ tenant: 'alpha', name: 'Alpha Skunkworks' });
    const tag = await owner.tag.create.mutate({ tenant: 'alpha', name: 'alpha-merger', color: '#aa0000' });
    const question = await member.question.submit.mutate({
      tenant: 'alpha',
      meetingId: app.meetingIds.alpha,
      body: ALPHA_QUESTION,
      teamId: team.id,
      notifyWhenAnswered: true,
    });
    const inAlpha = { tenant: 'alpha', meetingId: app.meetingIds.alpha };
    await owner.question.tag.mutate({ ...inAlpha, questionId: question.id, tagId: tag.id });
    await owner.question.answer.mutate({
      ...inAlpha,
      questionId: question.id,
      responseText: ALPHA_ANSWER,
    });
    const joinLink = await owner.tenant.createJoinLink.mutate({ tenant: 'alpha' });
    const displayLink = await owner.tenant.createDisplayLink.mutate({ tenant: 'alpha' });
    const token = await owner.tenant.createServiceToken.mutate({
      tenant: 'alpha',
      name: 'alpha-bot',
      role: 'owner',
    });
    const pulseQuestion = await owner.pulse.createQuestion.mutate({
      tenant: 'alpha',
      text: ALPHA_PULSE_QUESTION,
      scale: 'agree5',
    });
    await owner.sso.updateSettings.mutate({ tenant: 'alpha', enabled: true, ...ALPHA_SSO });
    alphaServiceToken = token.token;
    alphaDisplayToken = displayLink.token;
    alpha = {
      meetingId: app.meetingIds.alpha,
      questionId: question.id,
      tagId: tag.id,
      teamId: team.id,
      userId: app.userIds.member,
      linkId: joinLink.id,
      tokenId: token.id,
      invitationId: await pulseInvitation(app, app.tenantIds.alpha, app.userIds.member),
      pulseQuestionId: pulseQuestion.id,
      notificationId: await notificationOf(app, question.id),
    };
    alphaCandidates = {
      meetingId: [app.meetingIds.alpha],
      questionId: [question.id],
      tagId: [tag.id],
      teamId: [team.id],
      userId: [app.userIds.owner, app.userIds.member],
      linkId: [joinLink.id, displayLink.id],
      tokenId: [token.id],
      invitationId: [alpha.invitationId],
      pulseQuestionId: [pulseQuestion.id],
      notificationId: [alpha.notificationId],
    };

    const [betaOwner, betaMember] = await app.clients('betaOwner', 'betaMember');
    const betaTeam = await betaOwner.team.create.mutate({ tenant: 'beta', name: 'Beta Team' });
    const betaTag = await betaOwner.tag.create.mutate({ tenant: 'beta', name: 'beta-tag', color: '#00aa00' });
    const betaQuestion = await betaMember.question.submit.mutate({
      tenant: 'beta',
      meetingId: app.meetingIds.beta,
      body: 'A beta question',
      teamId: betaTeam.id,
      notifyWhenAnswered: true,
    });
    await betaOwner.question.answer.mutate({
      tenant: 'beta',
      meetingId: app.meetingIds.beta,
      questionId: betaQuestion.id,
    });
    const betaLink = await betaOwner.tenant.createJoinLink.mutate({ tenant: 'beta' });
    const betaToken = await betaOwner.tenant.createServiceToken.mutate({
      tenant: 'beta',
      name: 'beta-bot',
      role: 'member',
    });
    const betaPulseQuestion = await betaOwner.pulse.createQuestion.mutate({
      tenant: 'beta',
      text: 'A beta pulse question',
      scale: 'agree5',
    });
    beta = {
      meetingId: app.meetingIds.beta,
      questionId: betaQuestion.id,
      tagId: betaTag.id,
      teamId: betaTeam.id,
      userId: app.userIds.betaMember,
      linkId: betaLink.id,
      tokenId: betaToken.id,
      invitationId: await pulseInvitation(app, app.tenantIds.beta, app.userIds.betaMember),
      pulseQuestionId: betaPulseQuestion.id,
      notificationId: await notificationOf(app, betaQuestion.id),
    };

    const alphaAccounts = (Object.keys(ACCOUNTS) as AccountName[]).filter(
      (a) => ACCOUNTS[a].tenant === 'alpha',
    );
    alphaSessionId = (await owner.account.sessions.query())[0]?.id ?? '';
    alphaSecrets = [
      app.tenantIds.alpha,
      alphaSessionId,
      'Alpha Inc',
      ALPHA_QUESTION,
      ALPHA_ANSWER,
      ALPHA_PULSE_QUESTION,
      ...Object.values(ALPHA_SSO).flat(),
      team.name,
      tag.name,
      joinLink.code,
      alphaServiceToken,
      alphaDisplayToken,
      ...Object.values(alphaCandidates).flat(),
      ...alphaAccounts.flatMap((account) => [ACCOUNTS[account].email, app.userIds[account]]),
    ];
  }, 60_000);
  afterAll(() => app?.close());

  const tenantScoped = () =>
    Object.entries(TABLE).filter(
      (row): row is [string, Entry & { input: NonNullable<Entry['input']> }] => row[1].scope === 'tenant',
    );
  const randomObjects = (): Objects => ({
    meetingId: randomUUID(),
    questionId: randomUUID(),
    tagId: randomUUID(),
    teamId: randomUUID(),
    userId: randomUUID(),
    linkId: randomUUID(),
    tokenId: randomUUID(),
    invitationId: randomUUID(),
    pulseQuestionId: randomUUID(),
    notificationId: randomUUID(),
  });

  /** The alpha secrets in an answer that its request did not carry. */
  function leaks(request: Request, answer: Answer): string[] {
    const asked = JSON.stringify(request.input) ?? '';
    return alphaSecrets.filter((secret) => !asked.includes(secret) && answer.text.includes(secret));
  }

  interface Exchange {
    request: Request;
    type: Entry['type'];
    answer: Answer;
  }

  /** Sends every request (in parallel batches) and checks that no data changed meanwhile. */
  async function exchangeWithoutChange(requests: (Request & { type: Entry['type'] })[]): Promise<Exchange[]> {
    expect(requests.length).toBeGreaterThan(0);
    const before = await snapshotData(app.db);
    const exchanges: Exchange[] = [];
    for (let start = 0; start < requests.length; start += 24) {
      const slice = requests.slice(start, start + 24);
      const answers = await Promise.all(slice.map(({ type, ...request }) => send(app, type, request)));
      answers.forEach((answer, index) => {
        const { type, ...request } = slice[index] as Request & { type: Entry['type'] };
        exchanges.push({ request, type, answer });
      });
    }
    expect(await snapshotData(app.db)).toEqual(before);
    return exchanges;
  }

  function leakProblems(exchanges: Exchange[]): string[] {
    return exchanges.flatMap(({ request, answer }) =>
      leaks(request, answer).map((secret) => `${request.path} ${request.label}: answer reveals "${secret}"`),
    );
  }

  const summary = ({ request, answer }: Exchange) =>
    `${request.path} ${request.label}: ${answer.status} ${answer.code ?? answer.text.slice(0, 120)}`;

  it('has a table entry for every procedure of the router, and none for procedures that do not exist', () => {
    expectEntryPerProcedure(TABLE);
  });

  it('builds inputs that the procedures accept, naming real objects (positive control)', async () => {
    const procedures = routerProcedures();
    for (const [path, entry] of tenantScoped()) {
      for (const parser of procedures[path]?._def.inputs ?? []) {
        const result = await validateInput(parser, entry.input('alpha', alpha));
        expect(result.issues, `${path}: ${JSON.stringify(result.issues)}`).toBeUndefined();
      }
    }
    // The alpha ids are real: alpha's owner reads them, and alpha's credentials work in alpha.
    const owner = await app.as('owner');
    const { meetingId, questionId } = alpha;
    expect((await owner.question.get.query({ tenant: 'alpha', meetingId, questionId })).body).toBe(
      ALPHA_QUESTION,
    );
    for (const bearer of [alphaServiceToken, alphaDisplayToken]) {
      const answer = await send(app, 'query', {
        label: 'own tenant',
        path: 'tag.list',
        input: { tenant: 'alpha' },
        bearer,
      });
      expect(answer.status, answer.text).toBe(200);
    }
  });

  it("(a) refuses beta's member and owner in tenant alpha with 403, the same whether the ids exist or not", async () => {
    const requests = tenantScoped().flatMap(([path, entry]) =>
      (['betaMember', 'betaOwner'] as const).flatMap((account) => [
        {
          type: entry.type,
          path,
          label: `${account} alpha ids`,
          input: entry.input('alpha', alpha),
          cookie: cookies[account],
        },
        {
          type: entry.type,
          path,
          label: `${account} random ids`,
          input: entry.input('alpha', randomObjects()),
          cookie: cookies[account],
        },
      ]),
    );
    const exchanges = await exchangeWithoutChange(requests);
    expect(
      exchanges.filter((e) => e.answer.status !== 403 || e.answer.code !== 'FORBIDDEN').map(summary),
    ).toEqual([]);
    // Pairs: alpha ids, then random ids: the same code and message.
    const differing = [];
    for (let index = 0; index < exchanges.length; index += 2) {
      const [real, random] = [exchanges[index], exchanges[index + 1]] as [Exchange, Exchange];
      if (real.answer.message !== random.answer.message || real.answer.status !== random.answer.status) {
        differing.push(
          `${summary(real)} (${real.answer.message}) vs ${summary(random)} (${random.answer.message})`,
        );
      }
    }
    expect(differing).toEqual([]);
    expect(leakProblems(exchanges)).toEqual([]);
  });

  it("(b) refuses beta's owner naming alpha objects in tenant beta exactly as it refuses ids that exist nowhere", async () => {
    const pairs = tenantScoped().flatMap(([path, entry]) =>
      (entry.refs ?? []).flatMap((ref) =>
        alphaCandidates[ref].map((alphaId) => ({ path, entry, ref, alphaId, randomId: randomUUID() })),
      ),
    );
    expect(pairs.length).toBeGreaterThan(0);
    const requests = pairs.flatMap(({ path, entry, ref, alphaId, randomId }) => [
      {
        type: entry.type,
        path,
        label: `alpha ${ref} ${alphaId}`,
        input: entry.input('beta', { ...beta, [ref]: alphaId }),
        cookie: cookies.betaOwner,
      },
      {
        type: entry.type,
        path,
        label: `random ${ref}`,
        input: entry.input('beta', { ...beta, [ref]: randomId }),
        cookie: cookies.betaOwner,
      },
    ]);
    const exchanges = await exchangeWithoutChange(requests);
    const problems: string[] = [];
    pairs.forEach(({ entry, ref }, index) => {
      const [foreign, nowhere] = [exchanges[2 * index], exchanges[2 * index + 1]] as [Exchange, Exchange];
      const expected = outcomeFor(entry, ref);
      const outcome =
        expected === 'empty'
          ? foreign.answer.status === 200 && /"items":\[\]/.test(foreign.answer.text)
          : foreign.answer.code === expected &&
            foreign.answer.status === (expected === 'NOT_FOUND' ? 404 : 400);
      if (!outcome) problems.push(`${summary(foreign)}: expected ${expected}`);
      if (foreign.answer.status !== nowhere.answer.status || foreign.answer.text !== nowhere.answer.text) {
        problems.push(`${summary(foreign)}: answer differs from ids that exist nowhere:
  alpha id:  ${foreign.answer.status} ${foreign.answer.text}
  random id: ${nowhere.answer.status} ${nowhere.answer.text}`);
      }
    });
    expect(problems).toEqual([]);
    expect(leakProblems(exchanges)).toEqual([]);
  });

  it("(c) refuses alpha's service token and display link in tenant beta with 403", async () => {
    const credentials = { 'service token': alphaServiceToken, 'display link': alphaDisplayToken };
    const requests = tenantScoped().flatMap(([path, entry]) =>
      Object.entries(credentials).flatMap(([name, bearer]) => [
        { type: entry.type, path, label: `${name}, beta ids`, input: entry.input('beta', beta), bearer },
        { type: entry.type, path, label: `${name}, alpha ids`, input: entry.input('beta', alpha), bearer },
      ]),
    );
    const exchanges = await exchangeWithoutChange(requests);
    expect(
      exchanges.filter((e) => e.answer.status !== 403 || e.answer.code !== 'FORBIDDEN').map(summary),
    ).toEqual([]);
    expect(leakProblems(exchanges)).toEqual([]);
  });

  it('answers an unknown tenant with 404 for a signed-in user, revealing nothing', async () => {
    const requests = tenantScoped().flatMap(([path, entry]) =>
      (['betaMember', 'owner'] as const).map((account) => ({
        type: entry.type,
        path,
        label: `${account} in no-such-org`,
        input: entry.input('no-such-org', alpha),
        cookie: cookies[account],
      })),
    );
    const exchanges = await exchangeWithoutChange(requests);
    expect(
      exchanges.filter((e) => e.answer.status !== 404 || e.answer.code !== 'NOT_FOUND').map(summary),
    ).toEqual([]);
    expect(leakProblems(exchanges.filter((e) => e.request.cookie === cookies.betaMember))).toEqual([]);
  });

  it('reveals nothing of alpha to beta users through the procedures outside tenants', async () => {
    const wrongPassword = 'not the password at all';
    const requests = [
      {
        type: 'query' as const,
        path: 'auth.me',
        label: 'beta member',
        input: undefined,
        cookie: cookies.betaMember,
      },
      {
        type: 'query' as const,
        path: 'auth.me',
        label: 'beta owner',
        input: undefined,
        cookie: cookies.betaOwner,
      },
      {
        type: 'mutation' as const,
        path: 'tenant.create',
        label: "alpha's slug",
        input: { tenant: 'alpha', name: 'Alpha Clone' },
        cookie: cookies.betaOwner,
      },
      {
        type: 'mutation' as const,
        path: 'auth.joinWithCode',
        label: 'unknown code',
        input: { code: 'no-such-join-code' },
        cookie: cookies.betaMember,
      },
      {
        type: 'query' as const,
        path: 'auth.joinLink',
        label: 'unknown code',
        input: { code: 'no-such-join-code' },
        cookie: cookies.betaMember,
      },
      {
        type: 'mutation' as const,
        path: 'auth.openDisplay',
        label: 'unknown display token',
        input: { token: 'psd_no-such-display-token' },
        cookie: cookies.betaMember,
      },
      {
        type: 'mutation' as const,
        path: 'auth.signIn',
        label: 'alpha email, wrong password',
        input: { email: ACCOUNTS.owner.email, password: wrongPassword },
      },
      {
        type: 'mutation' as const,
        path: 'auth.signIn',
        label: 'unknown email, wrong password',
        input: { email: 'nobody@nowhere.test', password: wrongPassword },
      },
      {
        type: 'query' as const,
        path: 'account.sessions',
        label: 'beta member',
        input: undefined,
        cookie: cookies.betaMember,
      },
      {
        type: 'mutation' as const,
        path: 'account.endSession',
        label: "alpha owner's session",
        input: { sessionId: alphaSessionId },
        cookie: cookies.betaOwner,
      },
      {
        type: 'mutation' as const,
        path: 'account.endSession',
        label: 'a session that exists nowhere',
        input: { sessionId: randomUUID() },
        cookie: cookies.betaOwner,
      },
      {
        type: 'mutation' as const,
        path: 'pulse.respondWithLink',
        label: 'unknown one-tap link',
        input: { token: 'an-unknown-check-in-link-token', score: 3 },
        cookie: cookies.betaMember,
      },
      {
        type: 'mutation' as const,
        path: 'notification.setEmailByLink',
        label: 'unknown email link',
        input: { token: 'an-unknown-notification-email-token', enabled: false },
        cookie: cookies.betaMember,
      },
      {
        type: 'query' as const,
        path: 'account.answerEmails',
        label: 'beta member',
        input: undefined,
        cookie: cookies.betaMember,
      },
      {
        type: 'query' as const,
        path: 'sso.available',
        label: "alpha's single sign-on",
        input: { tenant: 'alpha' },
        cookie: cookies.betaMember,
      },
    ];
    const exchanges = await exchangeWithoutChange(requests);
    const [
      meMember,
      meOwner,
      create,
      join,
      joinLink,
      display,
      signInAlpha,
      signInNobody,
      sessions,
      endAlphaSession,
      endNowhere,
      unknownPulseLink,
      unknownEmailLink,
      answerEmails,
      alphaSso,
    ] = exchanges.map((e) => e.answer);
    expect([meMember?.status, meOwner?.status]).toEqual([200, 200]);
    expect(meMember?.text).toContain('"tenant":"beta"');
    expect(create?.code).toBe('CONFLICT');
    expect(join?.code).toBe('NOT_FOUND');
    expect(joinLink?.code).toBe('NOT_FOUND');
    expect(display?.code).toBe('UNAUTHORIZED');
    // Signing in does not tell whether an email has an account.
    expect(signInAlpha?.status).toBe(401);
    expect(signInAlpha?.text).toBe(signInNobody?.text);
    expect(sessions?.status).toBe(200);
    // Another person's session is not found, exactly like one that exists nowhere, and it lives on.
    expect(endAlphaSession?.code).toBe('NOT_FOUND');
    expect(endAlphaSession?.text).toBe(endNowhere?.text);
    expect(unknownPulseLink?.code).toBe('NOT_FOUND');
    expect(unknownEmailLink?.code).toBe('NOT_FOUND');
    expect(answerEmails?.status).toBe(200);
    // Whether alpha offers single sign-on, and nothing of its provider.
    expect(JSON.parse(alphaSso?.text ?? '')).toEqual({ result: { data: { sso: true } } });
    expect((await app.client({ cookie: cookies.owner }).account.sessions.query())[0]?.id).toBe(
      alphaSessionId,
    );
    expect(leakProblems(exchanges)).toEqual([]);
    // Every global procedure is either probed here or has nothing to probe.
    const probed = new Set(requests.map((r) => r.path));
    const unprobed = Object.entries(TABLE)
      .filter(([path, entry]) => entry.scope === 'global' && !probed.has(path))
      .map(([path]) => path);
    expect(unprobed).toEqual([
      'auth.signUp',
      'auth.signOut',
      'auth.demoAccounts',
      'auth.publicUrl',
      'account.signOutEverywhere',
      'account.setAnswerEmails',
    ]);
  });
});
