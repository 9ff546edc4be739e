import { PULSE_QUESTIONS_MAX } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, startTestApp, type TestApp, uniqueLabel } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { insertPulseQuestion, newPulseTenant } from '../test-support/pulse.js';

describe.each(DIALECTS)('pulse questions on %s', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(() => app.close());

  const freshTenant = () => newPulseTenant(app);

  async function addResponse(tenantId: string, questionId: string) {
    await app.db
      .insertInto('pulseResponses')
      .values({
        id: crypto.randomUUID(),
        tenantId,
        questionId,
        week: '2026-W49',
        teamId: null,
        cohortName: 'Weekday',
        score: 4,
        submittedAt: '2026-11-30T09:00:00.000Z',
      })
      .execute();
  }

  it('appends each new question to the end of the rotation, active, and lists them in order', async () => {
    const { tenant, owner } = await freshTenant();
    const team = await owner.team.create.mutate({ tenant, name: 'Support' });
    const first = await owner.pulse.createQuestion.mutate({
      tenant,
      text: '  How sustainable is your workload?  ',
      scale: 'agree5',
    });
    const second = await owner.pulse.createQuestion.mutate({
      tenant,
      text: 'How likely are you to recommend your team?',
      scale: 'likely10',
      teamId: team.id,
    });
    expect(first).toEqual({
      id: expect.any(String),
      text: 'How sustainable is your workload?',
      scale: 'agree5',
      teamId: null,
      active: true,
      position: 0,
      createdAt: expect.any(String),
    });
    expect(second).toMatchObject({ scale: 'likely10', teamId: team.id, position: 1 });
    expect(await owner.pulse.questions.query({ tenant })).toEqual([first, second]);
  });

  it('gives questions created at the same moment positions of their own', async () => {
    const { tenant, owner } = await freshTenant();
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        owner.pulse.createQuestion.mutate({ tenant, text: `Question ${index}`, scale: 'agree5' }),
      ),
    );
    const positions = (await owner.pulse.questions.query({ tenant })).map((question) => question.position);
    expect(positions).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('changes only the fields sent', async () => {
    const { tenant, owner } = await freshTenant();
    const team = await owner.team.create.mutate({ tenant, name: 'Sales' });
    const question = await owner.pulse.createQuestion.mutate({ tenant, text: 'Original', scale: 'agree5' });
    const questionId = question.id;
    const reworded = await owner.pulse.updateQuestion.mutate({ tenant, questionId, text: 'Reworded' });
    expect(reworded).toEqual({ ...question, text: 'Reworded' });
    const forTeam = await owner.pulse.updateQuestion.mutate({
      tenant,
      questionId,
      teamId: team.id,
      active: false,
    });
    expect(forTeam).toEqual({ ...reworded, teamId: team.id, active: false });
    const forEveryone = await owner.pulse.updateQuestion.mutate({
      tenant,
      questionId,
      teamId: null,
      active: true,
    });
    expect(forEveryone).toEqual({ ...reworded, teamId: null, active: true });
    expect(await owner.pulse.questions.query({ tenant })).toEqual([forEveryone]);
  });

  it('changes the scale until somebody answered, and then refuses saying why', async () => {
    const { tenant, tenantId, owner } = await freshTenant();
    const { id: questionId } = await owner.pulse.createQuestion.mutate({
      tenant,
      text: 'Morale?',
      scale: 'agree5',
    });
    expect((await owner.pulse.updateQuestion.mutate({ tenant, questionId, scale: 'likely10' })).scale).toBe(
      'likely10',
    );
    await addResponse(tenantId, questionId);
    const change = () =>
      owner.pulse.updateQuestion.mutate({ tenant, questionId, scale: 'agree5', text: 'New' });
    await app.expectNoChange(change, 'PRECONDITION_FAILED');
    expect((await failureOf(change())).message).toMatch(/^scale: cannot change once somebody answered/);
    // The same scale, and everything else, can still be sent.
    const kept = await owner.pulse.updateQuestion.mutate({
      tenant,
      questionId,
      scale: 'likely10',
      text: 'New',
    });
    expect(kept).toMatchObject({ scale: 'likely10', text: 'New' });
  });

  it("refuses another tenant's team exactly like a team that exists nowhere", async () => {
    const { tenant, owner } = await freshTenant();
    const betaOwner = await app.as('betaOwner');
    const betaTeam = await betaOwner.team.create.mutate({ tenant: 'beta', name: uniqueLabel('beta-team') });
    const { id: questionId } = await owner.pulse.createQuestion.mutate({
      tenant,
      text: 'Fine?',
      scale: 'agree5',
    });
    const failures = [];
    for (const teamId of [betaTeam.id, crypto.randomUUID()]) {
      const create = () =>
        owner.pulse.createQuestion.mutate({ tenant, text: 'Planted', scale: 'agree5', teamId });
      const update = () => owner.pulse.updateQuestion.mutate({ tenant, questionId, teamId });
      await app.expectNoChange(create, 'BAD_REQUEST');
      await app.expectNoChange(update, 'BAD_REQUEST');
      failures.push(await failureOf(create()), await failureOf(update()));
    }
    expect(new Set(failures.map((failure) => failure.message))).toEqual(
      new Set(['teamId: is not a team of this organization']),
    );
  });

  it("answers another tenant's question as not found, like an unknown id", async () => {
    const { tenant, owner } = await freshTenant();
    const betaQuestion = await insertPulseQuestion(app.db, app.tenantIds.beta);
    for (const questionId of [betaQuestion, crypto.randomUUID()]) {
      const update = () => owner.pulse.updateQuestion.mutate({ tenant, questionId, text: 'Taken over' });
      await app.expectNoChange(update, 'NOT_FOUND');
      expect((await failureOf(update())).message).toBe('Pulse question not found');
    }
  });

  it('reorders the rotation when the new order names every question exactly once', async () => {
    const { tenant, owner } = await freshTenant();
    const [a, b, c] = await Promise.all(
      ['A', 'B', 'C'].map((text) => owner.pulse.createQuestion.mutate({ tenant, text, scale: 'agree5' })),
    ).then((questions) => questions.sort((x, y) => x.position - y.position));
    if (!a || !b || !c) throw new Error('three questions were created');
    const reordered = await owner.pulse.reorderQuestions.mutate({ tenant, questionIds: [c.id, a.id, b.id] });
    expect(reordered.map((question) => [question.id, question.position])).toEqual([
      [c.id, 0],
      [a.id, 1],
      [b.id, 2],
    ]);
    expect(await owner.pulse.questions.query({ tenant })).toEqual(reordered);

    const betaQuestion = await insertPulseQuestion(app.db, app.tenantIds.beta);
    const refusals: [string[], string][] = [
      [[c.id, a.id], `questionIds: must name every pulse question; missing "${b.text}" (${b.id})`],
      [[c.id, a.id, b.id, a.id], 'questionIds.3: names a question a second time'],
      [[c.id, betaQuestion, a.id, b.id], 'questionIds.1: is not a pulse question of this organization'],
      [[c.id, a.id, crypto.randomUUID()], 'questionIds.2: is not a pulse question of this organization'],
    ];
    for (const [questionIds, message] of refusals) {
      const call = () => owner.pulse.reorderQuestions.mutate({ tenant, questionIds });
      await app.expectNoChange(call, 'BAD_REQUEST');
      expect((await failureOf(call())).message).toBe(message);
    }
  });

  it('records creating, changing and reordering questions in the audit log', async () => {
    const { tenant, owner } = await freshTenant();
    const question = await owner.pulse.createQuestion.mutate({ tenant, text: 'Recorded?', scale: 'agree5' });
    const questionId = question.id;
    await owner.pulse.updateQuestion.mutate({ tenant, questionId, text: 'Recorded!', scale: 'agree5' });
    await owner.pulse.reorderQuestions.mutate({ tenant, questionIds: [questionId] });
    const entries = (await owner.audit.list.query({ tenant })).items.filter((entry) =>
      entry.action.startsWith('pulseQuestion.'),
    );
    expect(entries.map(({ action, target, summary }) => ({ action, target, summary }))).toEqual([
      {
        action: 'pulseQuestion.reorder',
        target: { type: 'tenant', id: expect.any(String) },
        summary: { questions: 1 },
      },
      {
        action: 'pulseQuestion.update',
        target: { type: 'pulseQuestion', id: questionId },
        summary: { changed: ['text'] },
      },
      {
        action: 'pulseQuestion.create',
        target: { type: 'pulseQuestion', id: questionId },
        summary: { scale: 'agree5' },
      },
    ]);
  });

  it(`holds at most ${PULSE_QUESTIONS_MAX} questions`, async () => {
    const { tenant, tenantId, owner } = await freshTenant();
    const createdAt = new Date().toISOString();
    await app.db
      .insertInto('pulseQuestions')
      .values(
        Array.from({ length: PULSE_QUESTIONS_MAX }, (_, position) => ({
          id: crypto.randomUUID(),
          tenantId,
          text: `Question ${position}`,
          scale: 'agree5' as const,
          teamId: null,
          active: 0,
          position,
          createdAt,
        })),
      )
      .execute();
    const create = () => owner.pulse.createQuestion.mutate({ tenant, text: 'One too many', scale: 'agree5' });
    await app.expectNoChange(create, 'PRECONDITION_FAILED');
    expect((await failureOf(create())).message).toContain(`at most ${PULSE_QUESTIONS_MAX} pulse questions`);
  });

  it('refuses bad text and scales naming the field', async () => {
    const { tenant, owner } = await freshTenant();
    const cases: [string, Record<string, unknown>][] = [
      ['text', { text: 'x'.repeat(201), scale: 'agree5' }],
      ['text', { text: '   ', scale: 'agree5' }],
      ['scale', { text: 'Fine?', scale: 'stars' }],
    ];
    for (const [field, values] of cases) {
      const call = () => owner.pulse.createQuestion.mutate({ tenant, ...values } as never);
      await app.expectNoChange(call, 'BAD_REQUEST');
      expect((await failureOf(call())).message).toMatch(new RegExp(`^${field}:`));
    }
  });

  it('is for admins and owners only', async () => {
    const [admin, moderator, member] = await app.clients('admin', 'moderator', 'member');
    const alpha = { tenant: 'alpha' };
    const question = await admin.pulse.createQuestion.mutate({
      ...alpha,
      text: 'Admins may',
      scale: 'agree5',
    });
    const questionId = question.id;
    for (const caller of [moderator, member]) {
      expect((await failureOf(caller.pulse.questions.query(alpha))).code).toBe('FORBIDDEN');
      await app.expectNoChange(
        () => caller.pulse.createQuestion.mutate({ ...alpha, text: 'Not allowed', scale: 'agree5' }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => caller.pulse.updateQuestion.mutate({ ...alpha, questionId, active: false }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => caller.pulse.reorderQuestions.mutate({ ...alpha, questionIds: [questionId] }),
        'FORBIDDEN',
      );
    }
  });
});
