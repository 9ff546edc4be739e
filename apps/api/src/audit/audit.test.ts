import type { AuditEntry, AuditFilters, AuditSummary } from '@pulsestage/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import {
  type Client,
  errorCodeOf,
  failureOf,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
  uniqueLabel,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING } from '../test-support/fixture.js';
import { trimAuditLog } from './retention.js';

const alpha = { tenant: 'alpha' } as const;
const beta = { tenant: 'beta' } as const;

interface Expected {
  action: string;
  actor: AuditEntry['actor'];
  target: AuditEntry['target'];
  summary: AuditSummary;
}

describe.each(DIALECTS)('the audit log on %s', { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let owner: Client;
  let admin: Client;
  let moderator: Client;
  let member: Client;
  let betaOwner: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [owner, admin, moderator, member, betaOwner] = await app.clients(
      'owner',
      'admin',
      'moderator',
      'member',
      'betaOwner',
    );
  });
  afterAll(() => app?.close());

  const person = (account: 'owner' | 'admin' | 'moderator') => ({
    id: app.userIds[account],
    kind: 'user' as const,
    name: account,
  });
  const newest = async () => (await admin.audit.list.query({ ...alpha, limit: 1 })).items[0];
  const everyEntry = async (input: AuditFilters = alpha, client = admin) => {
    const entries: AuditEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.audit.list.query({ ...input, limit: 100, cursor });
      entries.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return entries;
  };
  const rawRows = () => app.db.selectFrom('auditLog').selectAll().execute();
  /** Runs the action and expects exactly one new entry, the one described. */
  async function expectRecorded(act: () => Promise<unknown>, expected: Expected): Promise<AuditEntry> {
    const before = (await rawRows()).length;
    await act();
    expect((await rawRows()).length).toBe(before + 1);
    const entry = await newest();
    expect(entry).toEqual({ id: expect.any(String), createdAt: expect.any(String), ...expected });
    return entry as AuditEntry;
  }
  const ask = (body: string, meetingId: string = ALPHA_MEETING.meetingId) =>
    member.question.submit.mutate({ tenant: 'alpha', meetingId, body });

  describe('recording', () => {
    it('records what moderators do to questions, without their text or author', async () => {
      const question = await ask('What is the plan for the office move?');
      const ref = { ...ALPHA_MEETING, questionId: question.id };
      const target = { type: 'question', id: question.id };
      const actor = person('moderator');
      await expectRecorded(() => moderator.question.answer.mutate({ ...ref, responseText: 'In spring.' }), {
        action: 'question.answer',
        actor,
        target,
        summary: { status: { from: 'OPEN', to: 'ANSWERED' }, response: 'written' },
      });
      await expectRecorded(() => moderator.question.reopen.mutate(ref), {
        action: 'question.reopen',
        actor,
        target,
        summary: { status: { from: 'ANSWERED', to: 'OPEN' } },
      });
      await expectRecorded(() => moderator.question.answer.mutate(ref), {
        action: 'question.answer',
        actor,
        target,
        summary: { status: { from: 'OPEN', to: 'ANSWERED' }, response: 'live' },
      });
      await moderator.question.reopen.mutate(ref);
      await expectRecorded(() => moderator.question.pin.mutate({ ...ref, pinned: true }), {
        action: 'question.pin',
        actor,
        target,
        summary: { pinned: true },
      });
      await expectRecorded(() => moderator.question.pin.mutate({ ...ref, pinned: false }), {
        action: 'question.unpin',
        actor,
        target,
        summary: { pinned: false },
      });
      await expectRecorded(() => moderator.question.hide.mutate(ref), {
        action: 'question.hide',
        actor,
        target,
        summary: { hidden: true },
      });
      await expectRecorded(() => moderator.question.restore.mutate(ref), {
        action: 'question.restore',
        actor,
        target,
        summary: { hidden: false },
      });
      await expectRecorded(() => moderator.question.edit.mutate({ ...ref, body: 'Where do we move to?' }), {
        action: 'question.edit',
        actor,
        target,
        summary: { changed: ['body'] },
      });
      const tagName = uniqueLabel('facilities');
      const tag = await moderator.tag.create.mutate({ ...alpha, name: tagName, color: '#123456' });
      expect(await newest()).toMatchObject({
        action: 'tag.create',
        target: { type: 'tag', id: tag.id },
        summary: { name: tagName },
      });
      await expectRecorded(() => moderator.question.tag.mutate({ ...ref, tagId: tag.id }), {
        action: 'question.tag',
        actor,
        target,
        summary: { tag: tagName },
      });
      await expectRecorded(() => moderator.question.untag.mutate({ ...ref, tagId: tag.id }), {
        action: 'question.untag',
        actor,
        target,
        summary: { tag: tagName },
      });
    });

    it('records reviews, pauses and the life of a meeting', async () => {
      const actor = person('moderator');
      const title = uniqueLabel('Review meeting');
      const meeting = await moderator.meeting.create.mutate({ ...alpha, title, requireApproval: true });
      const target = { type: 'meeting', id: meeting.id };
      expect(await newest()).toEqual(
        expect.objectContaining({ action: 'meeting.create', actor, target, summary: { title } }),
      );
      const inMeeting = { ...alpha, meetingId: meeting.id };
      await expectRecorded(() => moderator.meeting.open.mutate(inMeeting), {
        action: 'meeting.open',
        actor,
        target,
        summary: { state: { from: 'scheduled', to: 'open' } },
      });
      const first = await ask('Will there be parking?', meeting.id);
      const second = await ask('Can we bring pets?', meeting.id);
      await expectRecorded(() => moderator.question.approve.mutate({ ...inMeeting, questionId: first.id }), {
        action: 'question.approve',
        actor,
        target: { type: 'question', id: first.id },
        summary: { status: { from: 'UNDER_REVIEW', to: 'OPEN' } },
      });
      await expectRecorded(() => moderator.question.reject.mutate({ ...inMeeting, questionId: second.id }), {
        action: 'question.reject',
        actor,
        target: { type: 'question', id: second.id },
        summary: { status: { from: 'UNDER_REVIEW', to: 'REJECTED' } },
      });
      await expectRecorded(() => moderator.queue.freeze.mutate({ ...inMeeting, frozen: true }), {
        action: 'meeting.pause',
        actor,
        target,
        summary: { paused: true },
      });
      await expectRecorded(() => moderator.queue.freeze.mutate({ ...inMeeting, frozen: false }), {
        action: 'meeting.resume',
        actor,
        target,
        summary: { paused: false },
      });
      // The title is sent unchanged: only what the update changed is named.
      await expectRecorded(
        () => moderator.meeting.update.mutate({ ...inMeeting, title, description: 'Parking and pets' }),
        { action: 'meeting.update', actor, target, summary: { changed: ['description'] } },
      );
      await expectRecorded(() => moderator.meeting.close.mutate(inMeeting), {
        action: 'meeting.close',
        actor,
        target,
        summary: { state: { from: 'open', to: 'closed' } },
      });
      await expectRecorded(() => admin.meeting.delete.mutate(inMeeting), {
        action: 'meeting.delete',
        actor: person('admin'),
        target,
        summary: { title },
      });
    });

    it('records role changes, removals and readmissions with the role before and after', async () => {
      const actor = person('admin');
      const target = { type: 'member', id: app.userIds.member2 };
      const userId = app.userIds.member2;
      await expectRecorded(() => admin.tenant.setRole.mutate({ ...alpha, userId, role: 'moderator' }), {
        action: 'member.changeRole',
        actor,
        target,
        summary: { role: { from: 'member', to: 'moderator' } },
      });
      await expectRecorded(() => admin.tenant.removeMember.mutate({ ...alpha, userId }), {
        action: 'member.remove',
        actor,
        target,
        summary: { role: { from: 'moderator', to: null } },
      });
      await expectRecorded(() => admin.tenant.readmitMember.mutate({ ...alpha, userId }), {
        action: 'member.readmit',
        actor,
        target,
        summary: {},
      });
      // Readmitted people come back through a join link; the fixture's member2 comes back directly.
      await app.db
        .insertInto('memberships')
        .values({
          tenantId: app.tenantIds.alpha,
          userId,
          role: 'member',
          createdAt: new Date().toISOString(),
        })
        .execute();
    });

    it('records which settings changed, never the restricted words themselves', async () => {
      const actor = person('admin');
      const target = { type: 'tenant', id: app.tenantIds.alpha };
      await expectRecorded(
        () => admin.tenant.updateSettings.mutate({ ...alpha, name: 'Alpha Inc', requireApproval: true }),
        { action: 'settings.update', actor, target, summary: { changed: ['requireApproval'] } },
      );
      await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
      await expectRecorded(
        () => admin.tenant.updateSafetySettings.mutate({ ...alpha, restrictedWords: ['blorptastic'] }),
        { action: 'settings.updateSafety', actor, target, summary: { changed: ['restrictedWords'] } },
      );
      expect(JSON.stringify(await rawRows())).not.toContain('blorptastic');
    });

    it('records links and tokens made and revoked, never their secrets', async () => {
      const actor = person('admin');
      const join = await admin.tenant.createJoinLink.mutate(alpha);
      expect(await newest()).toEqual(
        expect.objectContaining({
          action: 'link.create',
          actor,
          target: { type: 'link', id: join.id },
          summary: { kind: 'join' },
        }),
      );
      const display = await admin.tenant.createDisplayLink.mutate(alpha);
      expect(await newest()).toMatchObject({ target: { id: display.id }, summary: { kind: 'display' } });
      await expectRecorded(() => admin.tenant.revokeLink.mutate({ ...alpha, linkId: display.id }), {
        action: 'link.revoke',
        actor,
        target: { type: 'link', id: display.id },
        summary: { kind: 'display' },
      });
      const token = await admin.tenant.createServiceToken.mutate({
        ...alpha,
        name: 'ci-bot',
        role: 'member',
      });
      expect(await newest()).toEqual(
        expect.objectContaining({
          action: 'token.create',
          target: { type: 'serviceToken', id: token.id },
          summary: { name: 'ci-bot', role: 'member' },
        }),
      );
      await expectRecorded(() => admin.tenant.revokeServiceToken.mutate({ ...alpha, tokenId: token.id }), {
        action: 'token.revoke',
        actor,
        target: { type: 'serviceToken', id: token.id },
        summary: { name: 'ci-bot' },
      });
      const stored = JSON.stringify(await rawRows());
      for (const secret of [join.code, display.token, token.token]) expect(stored).not.toContain(secret);
    });

    it('records teams made and guests removed at once', async () => {
      const name = uniqueLabel('Ops');
      const team = await moderator.team.create.mutate({ ...alpha, name });
      expect(await newest()).toMatchObject({
        action: 'team.create',
        actor: person('moderator'),
        target: { type: 'team', id: team.id },
        summary: { name },
      });
      await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: true });
      const { code } = await admin.tenant.createJoinLink.mutate(alpha);
      const joined = await app.raw('POST', 'auth.joinWithCode', { code, name: 'Passer-by' });
      expect(sessionCookieFrom(joined.headers)).toBeDefined();
      await expectRecorded(() => admin.tenant.removeGuests.mutate(alpha), {
        action: 'member.removeGuests',
        actor: person('admin'),
        target: { type: 'tenant', id: app.tenantIds.alpha },
        summary: { removed: 1 },
      });
      await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: false });
    });

    it('names a service token by the name it had when acting, as a token', async () => {
      const token = await owner.tenant.createServiceToken.mutate({
        ...alpha,
        name: 'pin-bot',
        role: 'moderator',
      });
      const bot = app.client({ bearer: token.token });
      const question = await ask('Is the canteen open on Fridays?');
      await expectRecorded(
        () => bot.question.pin.mutate({ ...ALPHA_MEETING, questionId: question.id, pinned: true }),
        {
          action: 'question.pin',
          actor: { id: token.id, kind: 'token', name: 'pin-bot' },
          target: { type: 'question', id: question.id },
          summary: { pinned: true },
        },
      );
    });

    it("records none of a participant's own actions, and no entry ever holds a question's author", async () => {
      const before = await rawRows();
      const question = await ask('Could we get standing desks?');
      const ref = { ...ALPHA_MEETING, questionId: question.id };
      await member.question.edit.mutate({ ...ref, body: 'Could we get standing desks, please?' });
      await moderator.question.upvote.mutate(ref);
      await moderator.question.removeUpvote.mutate(ref);
      const mine = await moderator.question.submit.mutate({ ...ALPHA_MEETING, body: 'My own question' });
      await moderator.question.edit.mutate({ ...ALPHA_MEETING, questionId: mine.id, body: 'My own words' });
      await member.question.upvote.mutate({ ...ALPHA_MEETING, questionId: mine.id });
      await moderator.question.withdraw.mutate({ ...ALPHA_MEETING, questionId: mine.id });
      await member.question.withdraw.mutate(ref);
      expect(await rawRows()).toEqual(before);

      const stored = JSON.stringify(await rawRows());
      expect(stored).not.toContain(app.userIds.member);
      expect(stored).not.toMatch(/author/i);
      for (const body of ['office move', 'parking', 'pets', 'canteen', 'standing desks'])
        expect(stored.toLowerCase()).not.toContain(body);
    });

    it('keeps a change that succeeded when its entry cannot be written, and says so in the log', async () => {
      const question = await ask('Is there a bike shed?');
      const logged: unknown[][] = [];
      const errors = vi.spyOn(console, 'error').mockImplementation((...args) => logged.push(args));
      const before = await rawRows();
      await sql`alter table audit_log rename to audit_log_away`.execute(app.db);
      try {
        const pinned = await moderator.question.pin.mutate({
          ...ALPHA_MEETING,
          questionId: question.id,
          pinned: true,
        });
        expect(pinned.pinned).toBe(true);
      } finally {
        await sql`alter table audit_log_away rename to audit_log`.execute(app.db);
        errors.mockRestore();
      }
      expect(logged).toEqual([
        [
          `The audit log missed question.pin by user ${app.userIds.moderator} in tenant ${app.tenantIds.alpha}:`,
          expect.any(Error),
        ],
      ]);
      expect(await rawRows()).toEqual(before);
    });
  });

  describe('reading', () => {
    it('lists newest first in pages that add up to the whole log', async () => {
      const all = await everyEntry();
      expect(all.length).toBeGreaterThan(20);
      const times = all.map((entry) => entry.createdAt);
      expect(times).toEqual([...times].sort().reverse());
      const paged: AuditEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await admin.audit.list.query({ ...alpha, limit: 7, cursor });
        expect(page.items.length).toBeLessThanOrEqual(7);
        paged.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(all);
      expect(await errorCodeOf(admin.audit.list.query({ ...alpha, limit: 101 }))).toBe('BAD_REQUEST');
      const bad = await failureOf(admin.audit.list.query({ ...alpha, cursor: 'not a cursor' }));
      expect(bad).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('cursor') });
    });

    it('filters by action, actor, object and time', async () => {
      const all = await everyEntry();
      const list = (filters: Omit<AuditFilters, 'tenant'>) => everyEntry({ ...alpha, ...filters });
      const pins = await list({ action: 'question.pin' });
      expect(pins.length).toBeGreaterThan(0);
      expect(pins).toEqual(all.filter((entry) => entry.action === 'question.pin'));
      const byAdmin = await list({ actorId: app.userIds.admin });
      expect(byAdmin).toEqual(all.filter((entry) => entry.actor.id === app.userIds.admin));
      const meetings = await list({ targetType: 'meeting' });
      expect(meetings.length).toBeGreaterThan(0);
      expect(meetings).toEqual(all.filter((entry) => entry.target.type === 'meeting'));
      const someId = meetings[0]?.target.id ?? '';
      expect(await list({ targetId: someId })).toEqual(all.filter((entry) => entry.target.id === someId));

      const middle = all[Math.floor(all.length / 2)] as AuditEntry;
      const since = await list({ from: middle.createdAt });
      expect(since).toEqual(all.filter((entry) => entry.createdAt >= middle.createdAt));
      // Times in any offset mean the same instant.
      const shifted = new Date(Date.parse(middle.createdAt)).toISOString().replace('Z', '+00:00');
      expect(await list({ to: shifted })).toEqual(all.filter((entry) => entry.createdAt < middle.createdAt));
      expect(await list({ from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' })).toEqual([]);
      const backwards = await failureOf(
        admin.audit.list.query({ ...alpha, from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }),
      );
      expect(backwards).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('to') });
    });

    it('exports the filtered entries as CSV that spreadsheets cannot run', async () => {
      const formula = '=HYPERLINK("https://evil.example")';
      const token = await owner.tenant.createServiceToken.mutate({
        ...alpha,
        name: formula,
        role: 'moderator',
      });
      const team = await app
        .client({ bearer: token.token })
        .team.create.mutate({ ...alpha, name: 'Red team' });
      const file = await admin.audit.export.query({ ...alpha, action: 'team.create' });
      expect(file).toMatchObject({ filename: 'alpha-audit-log.csv', contentType: 'text/csv; charset=utf-8' });
      expect(
        file.content.startsWith('\uFEFFWhen (UTC),Who,Acting as,Actor id,Action,Object,Object id,Change\r\n'),
      ).toBe(true);
      const lines = file.content.trimEnd().split('\r\n').slice(1);
      const teams = await everyEntry({ ...alpha, action: 'team.create' });
      expect(teams.length).toBeGreaterThan(1);
      expect(lines).toHaveLength(teams.length);
      expect(lines.every((line) => line.includes(',team.create,team,'))).toBe(true);
      // Newest first; a name that starts like a formula gets a leading quote.
      expect(lines[0]).toBe(
        `${teams[0]?.createdAt.slice(0, 19).replace('T', ' ')},"'=HYPERLINK(""https://evil.example"")",` +
          `service token,${token.id},team.create,team,${team.id},name: Red team`,
      );
    });
  });

  describe('a long log', () => {
    it('exports every entry once, newest first, however many share a moment', async () => {
      const gamma = await owner.tenant.create.mutate({ tenant: uniqueLabel('gamma'), name: 'Gamma' });
      const moment = '2026-06-01T12:00:00.000Z';
      const rows = Array.from({ length: 4_500 }, (_, index) => ({
        id: crypto.randomUUID(),
        tenantId: gamma.id,
        actorId: app.userIds.owner,
        actorKind: 'user' as const,
        actorName: 'owner',
        action: 'question.hide',
        targetType: 'question',
        targetId: crypto.randomUUID(),
        summary: '{}',
        // Most share one moment, so pages and batches part between equal times.
        createdAt: index < 2_100 ? moment : new Date(Date.parse(moment) - index * 1000).toISOString(),
      }));
      for (let start = 0; start < rows.length; start += 500) {
        await app.db
          .insertInto('auditLog')
          .values(rows.slice(start, start + 500))
          .execute();
      }
      const file = await owner.audit.export.query({ tenant: gamma.slug });
      const targets = file.content
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',')[6]);
      expect(targets).toHaveLength(rows.length);
      expect(new Set(targets)).toEqual(new Set(rows.map((row) => row.targetId)));
      const listed = await everyEntry({ tenant: gamma.slug }, owner);
      expect(listed.map((entry) => entry.target.id)).toEqual(targets);
    });
  });

  describe('isolation', () => {
    it("shows each tenant's admins their own tenant's entries only", async () => {
      const team = await betaOwner.team.create.mutate({ ...beta, name: 'Beta crew' });
      const betaEntries = await everyEntry(beta, betaOwner);
      expect(betaEntries.map((entry) => entry.target.id)).toEqual([team.id]);
      const alphaEntries = await everyEntry();
      expect(alphaEntries.some((entry) => entry.target.id === team.id)).toBe(false);
      const alphaIds = new Set(alphaEntries.map((entry) => entry.id));
      expect(betaEntries.some((entry) => alphaIds.has(entry.id))).toBe(false);
      const betaFile = await betaOwner.audit.export.query(beta);
      expect(betaFile.content).not.toContain(app.userIds.moderator);
    });

    it("refuses another tenant's admins, and moderators and members, listing or exporting", async () => {
      for (const [client, code] of [
        [betaOwner, 'FORBIDDEN'],
        [moderator, 'FORBIDDEN'],
        [member, 'FORBIDDEN'],
        [app.client(), 'UNAUTHORIZED'],
      ] as const) {
        expect(await errorCodeOf(client.audit.list.query(alpha))).toBe(code);
        expect(await errorCodeOf(client.audit.export.query(alpha))).toBe(code);
      }
      // The owner reads it as admins do.
      expect((await owner.audit.list.query(alpha)).items.length).toBeGreaterThan(0);
    });
  });

  describe('retention', () => {
    it('deletes entries past the retention only, in every tenant', async () => {
      const day = 24 * 60 * 60 * 1000;
      const now = Date.now();
      const entry = (tenantId: string, ageDays: number) => ({
        id: crypto.randomUUID(),
        tenantId,
        actorId: app.userIds.owner,
        actorKind: 'user' as const,
        actorName: 'owner',
        action: 'team.create',
        targetType: 'team',
        targetId: null,
        summary: JSON.stringify({ ageDays }),
        createdAt: new Date(now - ageDays * day).toISOString(),
      });
      const old = [entry(app.tenantIds.alpha, 400), entry(app.tenantIds.beta, 366)];
      const kept = [entry(app.tenantIds.alpha, 364), entry(app.tenantIds.beta, 10)];
      await app.db
        .insertInto('auditLog')
        .values([...old, ...kept])
        .execute();
      const before = await rawRows();
      expect(await trimAuditLog(app.db, 365, now)).toBe(2);
      const after = await rawRows();
      expect(after.map((row) => row.id).sort()).toEqual(
        before
          .map((row) => row.id)
          .filter((id) => !old.some((gone) => gone.id === id))
          .sort(),
      );
      expect(await trimAuditLog(app.db, 365, now)).toBe(0);
    });

    it('keeps a year by default, and as many days as AUDIT_RETENTION_DAYS says', () => {
      expect(loadConfig({}).auditRetentionDays).toBe(365);
      expect(loadConfig({ AUDIT_RETENTION_DAYS: '30' }).auditRetentionDays).toBe(30);
      expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '0' })).toThrow(/AUDIT_RETENTION_DAYS/);
    });
  });
});
