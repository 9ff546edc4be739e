import type { PulseScale } from '@pulsestage/contracts';
import { type CapturedMail, TestSmtpServer } from '@pulsestage/test-harness/smtp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import type { Database, EmailState } from '../db/schema.js';
import { hashLinkToken } from '../mail/link-tokens.js';
import { type Mailer, startMailer } from '../mail/mailer.js';
import { addMember } from '../tenants/repository.js';
import { type Client, startTestApp, type TestApp, uniqueLabel } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { insertPulseQuestion, insertPulseSend } from '../test-support/pulse.js';
import { LIVE_WAIT_MS, waitFor } from '../test-support/sse.js';
import type { DueInvitationEmail } from './checkins-repository.js';
import { composeInvitation, pulseInvitationEmails } from './mailer.js';

const MINUTE_MS = 60_000;

describe('the invitation email', () => {
  const email: DueInvitationEmail = {
    invitationId: crypto.randomUUID(),
    email: 'sam@alpha.test',
    tenantSlug: 'alpha',
    tenantName: 'Alpha & Sons',
    questionText: 'Is <b>work</b> "sustainable"?',
    scale: 'agree5',
    attempts: 0,
  };

  it('offers one link per score of agreement, labelled from "Strongly disagree" to "Strongly agree"', () => {
    const { to, text, html } = composeInvitation(email, 'tok', 'https://pulse.example');
    expect(to).toBe('sam@alpha.test');
    const links = ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'].map(
      (label, index) => `${label}: https://pulse.example/pulse/r/tok?score=${index + 1}`,
    );
    for (const link of links) expect(text).toContain(link);
    expect(html).toContain('<a href="https://pulse.example/pulse/r/tok?score=5">Strongly agree</a>');
    expect(html).toContain('Is &#60;b&#62;work&#60;/b&#62; &#34;sustainable&#34;?');
    expect(text).toContain('Turn off email invitations');
    expect(text).toContain('https://pulse.example/t/alpha');
  });

  it('offers the numbers 0 to 10 for likelihood', () => {
    const { text } = composeInvitation({ ...email, scale: 'likely10' }, 'tok', 'https://pulse.example');
    const scores = [...text.matchAll(/^(\d+): \S+score=(\d+)$/gm)].map(([, label, score]) => [label, score]);
    expect(scores).toEqual(Array.from({ length: 11 }, (_, score) => [String(score), String(score)]));
  });
});

interface Invitee {
  userId: string;
  email: string;
  client: Client;
}

/** The token and score of a one-tap link, read as the confirmation page reads its address. */
function linkParts(link: string): { token: string; score: number } {
  const url = new URL(link);
  return { token: url.pathname.split('/').pop() ?? '', score: Number(url.searchParams.get('score')) };
}

describe.each(DIALECTS)('pulse invitation emails on %s', (dialect) => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let running: Mailer[] = [];

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await startTestApp(dialect);
  });
  afterEach(async () => {
    await stopMailers();
    smtp.refuseNext(0);
  });
  afterAll(async () => {
    await app.close();
    await smtp.stop();
  });

  function startInvitationMailer(db: Database = app.db): Mailer {
    const mailer = startMailer([pulseInvitationEmails(db, app.url)], {
      smtpUrl: smtp.url,
      from: 'PulseStage <pulse@pulsestage.test>',
      intervalMs: 50,
      retryDelayMs: 100,
      log: () => {},
    });
    running.push(mailer);
    return mailer;
  }

  async function stopMailers(): Promise<void> {
    await Promise.all(running.map((mailer) => mailer.stop()));
    running = [];
  }

  async function newInvitees(count: number): Promise<Invitee[]> {
    const invitees: Invitee[] = [];
    for (let index = 0; index < count; index += 1) {
      const { userId, email, client } = await app.newAccount('invitee');
      await addMember(app.db, app.tenantIds.alpha, userId, 'member');
      invitees.push({ userId, email, client });
    }
    return invitees;
  }

  /** A send of a new question whose invitations wait for their email; the invitation ids by user. */
  async function inviteByEmail(invitees: Invitee[], scale: PulseScale = 'agree5') {
    const text = `How sustainable is your workload? ${uniqueLabel('q')}`;
    const questionId = await insertPulseQuestion(app.db, app.tenantIds.alpha, { text, scale });
    const invitations = await insertPulseSend(app.db, {
      tenantId: app.tenantIds.alpha,
      questionId,
      userIds: invitees.map(({ userId }) => userId),
      cohortName: uniqueLabel('cohort'),
      emailState: 'pending',
    });
    return { questionId, text, invitations: [...invitations.values()] };
  }

  const invitationRows = (ids: string[]) =>
    app.db.selectFrom('pulseInvitations').selectAll().where('id', 'in', ids).execute();

  const allIn = (ids: string[], state: EmailState) =>
    waitFor(
      async () => (await invitationRows(ids)).every((row) => row.emailState === state),
      LIVE_WAIT_MS,
      `emails ${state}`,
    );

  it('sends each invitation once, with links that record the answer without signing in', async () => {
    const invitees = await newInvitees(3);
    const { questionId, text, invitations } = await inviteByEmail(invitees);
    startInvitationMailer();

    const mails = await Promise.all(invitees.map(({ email }) => smtp.nextMessageTo(email)));
    await allIn(invitations, 'sent');
    await stopMailers();

    for (const invitee of invitees) expect(smtp.messagesTo(invitee.email)).toHaveLength(1);
    const [first] = mails as [CapturedMail];
    expect(first.from).toBe('pulse@pulsestage.test');
    expect(first.subject).toBe('Quick check-in from Alpha Inc');
    expect(first.text).toContain(text);
    const scoreLinks = first.links.filter((link) => link.includes('/pulse/r/'));
    expect(scoreLinks.map((link) => linkParts(link).score)).toEqual([1, 2, 3, 4, 5]);

    const { token, score } = linkParts(scoreLinks[3] as string);
    expect(await app.client().pulse.respondWithLink.mutate({ token, score })).toEqual({
      tenantName: 'Alpha Inc',
      question: { text, scale: 'agree5' },
      score: 4,
      threshold: 5,
    });
    const responses = await app.db
      .selectFrom('pulseResponses')
      .select('score')
      .where('questionId', '=', questionId)
      .execute();
    expect(responses).toEqual([{ score: 4 }]);
    // Each email has its own token; only their hashes are stored.
    const rows = await invitationRows(invitations);
    const tokens = mails.map((mail) => linkParts(mail.links[0] as string).token);
    expect(new Set(tokens).size).toBe(3);
    expect(rows.map((row) => row.tokenHash).sort()).toEqual(tokens.map(hashLinkToken).sort());
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('sends nothing for a check-in already answered in the app', async () => {
    const [answering, waiting] = (await newInvitees(2)) as [Invitee, Invitee];
    const { invitations } = await inviteByEmail([answering, waiting]);
    await answering.client.pulse.respond.mutate({
      tenant: 'alpha',
      invitationId: invitations[0] as string,
      score: 2,
    });
    startInvitationMailer();

    await smtp.nextMessageTo(waiting.email);
    await stopMailers();

    expect(smtp.messagesTo(answering.email)).toEqual([]);
  });

  it('tries again after a refusal and delivers exactly one email', async () => {
    const [invitee] = (await newInvitees(1)) as [Invitee];
    const { invitations } = await inviteByEmail([invitee]);
    const refusedBefore = smtp.refusedCount;
    smtp.refuseNext(1);
    startInvitationMailer();

    await allIn(invitations, 'sent');
    await stopMailers();

    expect(smtp.refusedCount - refusedBefore).toBe(1);
    expect(smtp.messagesTo(invitee.email)).toHaveLength(1);
    expect((await invitationRows(invitations))[0]?.emailAttempts).toBe(1);
  });

  it('gives up after five refused attempts', async () => {
    const [invitee] = (await newInvitees(1)) as [Invitee];
    const { invitations } = await inviteByEmail([invitee]);
    const refusedBefore = smtp.refusedCount;
    smtp.refuseNext(5);
    startInvitationMailer();

    await allIn(invitations, 'failed');
    await stopMailers();

    expect(smtp.refusedCount - refusedBefore).toBe(5);
    expect(smtp.messagesTo(invitee.email)).toEqual([]);
    expect((await invitationRows(invitations))[0]?.emailAttempts).toBe(5);
  });

  it('never resends an email whose sending was cut off: it is marked failed once abandoned', async () => {
    const [abandoned, underWay] = (await newInvitees(2)) as [Invitee, Invitee];
    const { invitations } = await inviteByEmail([abandoned, underWay]);
    const [abandonedId, underWayId] = invitations as [string, string];
    const claimedAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * MINUTE_MS).toISOString();
    const markSending = (id: string, at: string) =>
      app.db
        .updateTable('pulseInvitations')
        .set({ emailState: 'sending', emailNextAt: at })
        .where('id', '=', id)
        .execute();
    await markSending(abandonedId, claimedAt(20));
    await markSending(underWayId, claimedAt(1));
    startInvitationMailer();

    await allIn([abandonedId], 'failed');
    await stopMailers();

    expect((await invitationRows([underWayId]))[0]?.emailState).toBe('sending');
    expect([...smtp.messagesTo(abandoned.email), ...smtp.messagesTo(underWay.email)]).toEqual([]);
  });

  it('sends each invitation once when two mailers share the database', async () => {
    const invitees = await newInvitees(20);
    const { invitations } = await inviteByEmail(invitees, 'likely10');
    // On PostgreSQL the second mailer has its own connections, as another instance would.
    const otherDb = dialect === 'postgres' ? openDatabase(app.target, () => {}) : app.db;
    try {
      const mailers = [startInvitationMailer(), startInvitationMailer(otherDb)];
      for (const mailer of mailers) mailer.wake();

      await allIn(invitations, 'sent');
      await stopMailers();

      expect(invitees.map(({ email }) => smtp.messagesTo(email).length)).toEqual(Array(20).fill(1));
    } finally {
      if (otherDb !== app.db) await otherDb.destroy();
    }
  });
});
