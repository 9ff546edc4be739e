/**
 * What an answer leaves behind: a response row that points to nobody, an invitation that says only that
 * it was used, times cut to the hour, and a live event that names a team or cohort only once it has as
 * many answers as the results need before showing it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../clock.js';
import { newLinkToken } from '../mail/link-tokens.js';
import { addMember } from '../tenants/repository.js';
import { type Client, startTestApp, type TestApp, uniqueLabel } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { eventsOf, lastSeqOf } from '../test-support/outbox.js';
import { insertPulseQuestion, insertPulseSend, PULSE_RESPONSE_COLUMNS } from '../test-support/pulse.js';

interface Person {
  userId: string;
  client: Client;
}

describe.each(DIALECTS)('pulse anonymity on %s', (dialect) => {
  const clock = new SettableClock();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect, { clock });
  });
  afterAll(() => app.close());
  afterEach(() => clock.set(new Date()));

  const tenantIdOf = (tenant: 'alpha' | 'beta') => app.tenantIds[tenant];

  async function newTeam(tenant: 'alpha' | 'beta'): Promise<string> {
    const owner = await app.as(tenant === 'alpha' ? 'owner' : 'betaOwner');
    return (await owner.team.create.mutate({ tenant, name: uniqueLabel('team') })).id;
  }

  /** `count` new members of the tenant, in `teamId` (or none). */
  async function newMembers(
    tenant: 'alpha' | 'beta',
    count: number,
    teamId: string | null,
  ): Promise<Person[]> {
    const people: Person[] = [];
    for (let index = 0; index < count; index += 1) {
      const { userId, client } = await app.newAccount('colleague');
      await addMember(app.db, tenantIdOf(tenant), userId, 'member');
      await app.db
        .updateTable('memberships')
        .set({ teamId })
        .where('tenantId', '=', tenantIdOf(tenant))
        .where('userId', '=', userId)
        .execute();
      people.push({ userId, client });
    }
    return people;
  }

  /** One send of a new question to `people`; returns the question, the cohort and each person's invitation. */
  async function invite(tenant: 'alpha' | 'beta', people: Person[]) {
    const tenantId = tenantIdOf(tenant);
    const questionId = await insertPulseQuestion(app.db, tenantId);
    const cohortName = uniqueLabel('cohort');
    const invitations = await insertPulseSend(app.db, {
      tenantId,
      questionId,
      cohortName,
      userIds: people.map(({ userId }) => userId),
      sentAt: clock.now(),
    });
    const answer = (person: Person, score = 3) =>
      person.client.pulse.respond.mutate({
        tenant,
        invitationId: invitations.get(person.userId) as string,
        score,
      });
    return { questionId, cohortName, invitations, answer };
  }

  /** The data of the tenant's `pulse.response.recorded` events after `afterSeq`. */
  async function recordedEvents(tenant: 'alpha' | 'beta', afterSeq: number) {
    const events = await eventsOf(app, tenantIdOf(tenant), afterSeq);
    return events
      .filter(({ type }) => type === 'pulse.response.recorded')
      .map(({ data }) => data as { questionId: string; teamId: string | null; cohortName: string | null });
  }

  it('stores an answer with nothing that leads back to the member or the invitation', async () => {
    const team = await newTeam('alpha');
    const people = await newMembers('alpha', 3, team);
    const { questionId, invitations, answer } = await invite('alpha', people);
    for (const person of people) await answer(person, 4);

    const rows = await app.db
      .selectFrom('pulseResponses')
      .selectAll()
      .where('questionId', '=', questionId)
      .execute();
    expect(rows).toHaveLength(3);
    const users = await app.db.selectFrom('users').select('id').execute();
    const identifying = [...users.map(({ id }) => id), ...invitations.values()];
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(PULSE_RESPONSE_COLUMNS);
      const text = JSON.stringify(row);
      expect(identifying.filter((id) => text.includes(id))).toEqual([]);
    }
  });

  it('changes nothing on the invitation but its used flag: no time of use', async () => {
    const [person] = (await newMembers('alpha', 1, null)) as [Person];
    clock.set(new Date('2031-02-03T10:37:12.345Z'));
    const { invitations, answer } = await invite('alpha', [person]);
    const invitationId = invitations.get(person.userId) as string;
    const row = () =>
      app.db
        .selectFrom('pulseInvitations')
        .selectAll()
        .where('id', '=', invitationId)
        .executeTakeFirstOrThrow();
    const before = await row();

    await answer(person);

    expect(await row()).toEqual({ ...before, used: 1 });
  });

  it('keeps the time of an answer and of its event to the hour', async () => {
    const [person] = (await newMembers('alpha', 1, null)) as [Person];
    clock.set(new Date('2031-02-03T10:37:12.345Z'));
    const { questionId, answer } = await invite('alpha', [person]);
    const seq = await lastSeqOf(app, tenantIdOf('alpha'));

    await answer(person);

    const hour = '2031-02-03T10:00:00.000Z';
    const stored = await app.db
      .selectFrom('pulseResponses')
      .select('submittedAt')
      .where('questionId', '=', questionId)
      .executeTakeFirstOrThrow();
    expect(stored.submittedAt).toBe(hour);
    const [event] = await eventsOf(app, tenantIdOf('alpha'), seq);
    expect(event).toMatchObject({
      type: 'pulse.response.recorded',
      audience: 'admins',
      timestamp: Date.parse(hour),
      data: { submittedAt: hour },
    });
  });

  it('names the team and the cohort in the event only from the answer that brings each to the threshold', async () => {
    const team = await newTeam('alpha');
    const [loner] = (await newMembers('alpha', 1, null)) as [Person];
    const teammates = await newMembers('alpha', 5, team);
    const { questionId, cohortName, answer } = await invite('alpha', [loner, ...teammates]);
    const seq = await lastSeqOf(app, tenantIdOf('alpha'));

    for (const person of [loner, ...teammates]) await answer(person, 2);

    const events = await recordedEvents('alpha', seq);
    // Threshold 5: the cohort reaches it with the fifth answer, the team with its fifth member's.
    expect(events.map(({ teamId, cohortName }) => [teamId, cohortName])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
      [null, cohortName],
      [team, cohortName],
    ]);
    expect(events.map((event) => event.questionId)).toEqual(Array(6).fill(questionId));
  });

  it('never names a team of three in any event while the threshold is five', async () => {
    const smallTeam = await newTeam('alpha');
    const trio = await newMembers('alpha', 3, smallTeam);
    const others = await newMembers('alpha', 5, null);
    const seq = await lastSeqOf(app, tenantIdOf('alpha'));
    for (let round = 0; round < 2; round += 1) {
      const { answer } = await invite('alpha', [...trio, ...others]);
      for (const person of [...others, ...trio]) await answer(person, 5);
    }

    const events = await eventsOf(app, tenantIdOf('alpha'), seq);
    expect(events.filter(({ type }) => type === 'pulse.response.recorded')).toHaveLength(16);
    expect(events.filter((event) => JSON.stringify(event).includes(smallTeam))).toEqual([]);
  });

  it("follows the tenant's own threshold", async () => {
    const betaOwner = await app.as('betaOwner');
    await betaOwner.pulse.updateSettings.mutate({ tenant: 'beta', threshold: 3 });
    const team = await newTeam('beta');
    const trio = await newMembers('beta', 3, team);
    const { answer } = await invite('beta', trio);
    const seq = await lastSeqOf(app, tenantIdOf('beta'));

    for (const person of trio) await answer(person);

    const events = await recordedEvents('beta', seq);
    expect(events.map(({ teamId }) => teamId)).toEqual([null, null, team]);
  });

  it('puts no user or invitation in any event, and never answers in the audit log', async () => {
    const people = await newMembers('alpha', 2, null);
    const owner = await app.as('owner');
    const ownerPerson = { userId: app.userIds.owner, client: owner };
    const { invitations, answer } = await invite('alpha', [ownerPerson, ...people]);
    const [viaLink] = people as [Person];
    const { token, tokenHash } = newLinkToken();
    await app.db
      .updateTable('pulseInvitations')
      .set({ tokenHash })
      .where('id', '=', invitations.get(viaLink.userId) as string)
      .execute();
    const seq = await lastSeqOf(app, tenantIdOf('alpha'));
    const auditEntries = () =>
      app.db.selectFrom('auditLog').select('id').where('tenantId', '=', tenantIdOf('alpha')).execute();
    const auditBefore = await auditEntries();

    await answer(ownerPerson);
    await app.client().pulse.respondWithLink.mutate({ token, score: 1 });
    await answer(people[1] as Person);
    await owner.pulse.setEmailPreference.mutate({ tenant: 'alpha', emailInvitations: false });

    expect(await auditEntries()).toEqual(auditBefore);
    const events = JSON.stringify(await eventsOf(app, tenantIdOf('alpha'), seq));
    const identifying = [app.userIds.owner, ...people.map(({ userId }) => userId), ...invitations.values()];
    expect(identifying.filter((id) => events.includes(id))).toEqual([]);
  });
});
