import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NewAccount, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import {
  insertQuestions,
  insertReportedMeeting,
  insertTag,
  insertTeam,
} from '../test-support/meeting-reports.js';
import { exportFilename } from './export.js';

describe('exportFilename', () => {
  it('keeps ASCII letters and digits of the title, without accents, joined by hyphens', () => {
    expect(exportFilename('Réunion générale: Q&A / 2026', 'csv')).toBe(
      'reunion-generale-q-a-2026-questions.csv',
    );
    expect(exportFilename('  December all-hands!  ', 'json')).toBe('december-all-hands-questions.json');
  });

  it('falls back to "meeting" when nothing of the title is safe', () => {
    expect(exportFilename('../../etc/passwd', 'csv')).toBe('etc-passwd-questions.csv');
    expect(exportFilename('会議 🎉', 'json')).toBe('meeting-questions.json');
  });

  it('cuts a long title without leaving a trailing hyphen', () => {
    const name = exportFilename(`${'a'.repeat(59)} b`, 'csv');
    expect(name).toBe(`${'a'.repeat(59)}-questions.csv`);
  });
});

const AT = (minute: number) => new Date(Date.UTC(2026, 11, 3, 14, minute, 5)).toISOString();

interface JsonExport {
  meeting: { title: string; code: string; state: string };
  exportedAt: string;
  contents: string;
  questions: Record<string, unknown>[];
}

describe.each(DIALECTS)('meeting.export on %s', { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let meetingId: string;
  /** Asks every question of the export: nothing about them may appear in it. */
  let author: NewAccount;
  const AUTHOR_NAME = 'Quentin Zabriskie';
  const input = (format: 'csv' | 'json') => ({ tenant: 'alpha', meetingId, format }) as const;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    author = await app.newAccount(AUTHOR_NAME);
    const tenantId = app.tenantIds.alpha;
    meetingId = await insertReportedMeeting(app.db, tenantId, { title: 'Décembre all-hands' });
    const otherMeeting = await insertReportedMeeting(app.db, tenantId, { title: 'Another meeting' });
    const team = await insertTeam(app.db, tenantId, 'Plateforme');
    const [roadmap, hiring] = [
      await insertTag(app.db, tenantId, 'roadmap', '#1f6feb'),
      await insertTag(app.db, tenantId, 'hiring', '#aa00aa'),
    ];
    const voters = [app.userIds.owner, app.userIds.moderator, app.userIds.member];
    await insertQuestions(app.db, tenantId, meetingId, [
      {
        body: 'Will we hire in Zürich, "soon"?\nAsking for a team, too.',
        authorId: author.userId,
        status: 'OPEN',
        submittedAt: AT(1),
        teamId: team,
        tagIds: [roadmap as string, hiring as string],
        votes: voters.map((voter) => [voter, AT(2)]),
      },
      {
        body: '=HYPERLINK("http://evil.example","click")',
        authorId: author.userId,
        status: 'ANSWERED',
        submittedAt: AT(2),
        responseText: '@SUM(A1:A9) is not an answer',
        answeredAt: AT(9),
      },
      {
        body: '+1 for remote Fridays',
        authorId: author.userId,
        status: 'ANSWERED',
        submittedAt: AT(3),
        responseText: null,
        answeredAt: AT(4),
      },
      {
        body: '-2 days of notice?',
        authorId: author.userId,
        status: 'OPEN',
        submittedAt: AT(4),
        hiddenAt: AT(5),
      },
      { body: '@SUM(1+1)', authorId: author.userId, status: 'UNDER_REVIEW', submittedAt: AT(5) },
      { body: '\tTabbed =1', authorId: author.userId, status: 'OPEN', submittedAt: AT(6) },
      {
        body: 'A rejected question',
        authorId: author.userId,
        status: 'UNDER_REVIEW',
        submittedAt: AT(7),
        rejectedAt: AT(8),
      },
    ]);
    await insertQuestions(app.db, tenantId, otherMeeting, [
      { body: 'From another meeting', authorId: author.userId, status: 'OPEN', submittedAt: AT(1) },
    ]);
  }, 60_000);
  afterAll(() => app?.close());

  async function exportAs(format: 'csv' | 'json') {
    return (await app.as('moderator')).meeting.export.query(input(format));
  }

  it('exports the CSV with a byte-order mark, a header and one row per question in the order asked', async () => {
    const file = await exportAs('csv');
    expect(file.filename).toBe('decembre-all-hands-questions.csv');
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.content.startsWith('\uFEFFQuestion,')).toBe(true);
    const rows: string[][] = parse(file.content, { bom: true });
    expect(rows).toEqual([
      [
        'Question',
        'Team',
        'Tags',
        'Votes',
        'Status',
        'Answer',
        'Submitted at (UTC)',
        'Answered at (UTC)',
        'Hidden',
      ],
      [
        'Will we hire in Zürich, "soon"?\nAsking for a team, too.',
        'Plateforme',
        'hiring, roadmap',
        '3',
        'open',
        '',
        '2026-12-03 14:01:05',
        '',
        'no',
      ],
      [
        `'=HYPERLINK("http://evil.example","click")`,
        '',
        '',
        '0',
        'answered',
        `'@SUM(A1:A9) is not an answer`,
        '2026-12-03 14:02:05',
        '2026-12-03 14:09:05',
        'no',
      ],
      [
        "'+1 for remote Fridays",
        '',
        '',
        '0',
        'answered',
        '',
        '2026-12-03 14:03:05',
        '2026-12-03 14:04:05',
        'no',
      ],
      ["'-2 days of notice?", '', '', '0', 'open', '', '2026-12-03 14:04:05', '', 'yes'],
      ["'@SUM(1+1)", '', '', '0', 'under review', '', '2026-12-03 14:05:05', '', 'no'],
      ["'\tTabbed =1", '', '', '0', 'open', '', '2026-12-03 14:06:05', '', 'no'],
    ]);
  });

  it('exports the same questions as JSON, saying what it includes', async () => {
    const file = await exportAs('json');
    expect(file.filename).toBe('decembre-all-hands-questions.json');
    expect(file.contentType).toBe('application/json; charset=utf-8');
    const document: JsonExport = JSON.parse(file.content);
    expect(document.meeting).toMatchObject({ title: 'Décembre all-hands', state: 'open' });
    expect(document.contents).toMatch(/under-review questions; rejected questions are left out/);
    expect(document.questions.map((question) => question.text)).toEqual([
      'Will we hire in Zürich, "soon"?\nAsking for a team, too.',
      '=HYPERLINK("http://evil.example","click")',
      '+1 for remote Fridays',
      '-2 days of notice?',
      '@SUM(1+1)',
      '\tTabbed =1',
    ]);
    expect(document.questions[0]).toEqual({
      text: 'Will we hire in Zürich, "soon"?\nAsking for a team, too.',
      team: 'Plateforme',
      tags: ['hiring', 'roadmap'],
      votes: 3,
      status: 'open',
      answer: null,
      submittedAt: AT(1),
      answeredAt: null,
      hidden: false,
    });
    expect(document.questions[2]).toMatchObject({ status: 'answered', answer: null, answeredAt: AT(4) });
    expect(document.questions[3]).toMatchObject({ hidden: true });
  });

  it('names nobody who asked, in either format', async () => {
    const identities = [author.userId, author.email, AUTHOR_NAME, 'mine', 'author'];
    for (const format of ['csv', 'json'] as const) {
      const { content } = await exportAs(format);
      for (const identity of identities) expect(content, `${format}: ${identity}`).not.toContain(identity);
    }
  });

  it('refuses members, and a meeting that does not exist, changing nothing', async () => {
    const member = await app.as('member');
    await app.expectNoChange(() => member.meeting.export.query(input('csv')), 'FORBIDDEN');
    const owner = await app.as('owner');
    await app.expectNoChange(
      () => owner.meeting.export.query({ ...input('json'), meetingId: crypto.randomUUID() }),
      'NOT_FOUND',
    );
  });

  it('exports a meeting without questions as a header alone', async () => {
    const empty = await insertReportedMeeting(app.db, app.tenantIds.alpha, {
      title: 'Empty',
      state: 'scheduled',
    });
    const owner = await app.as('owner');
    const csv = await owner.meeting.export.query({ tenant: 'alpha', meetingId: empty, format: 'csv' });
    expect(parse(csv.content, { bom: true })).toHaveLength(1);
    const json = await owner.meeting.export.query({ tenant: 'alpha', meetingId: empty, format: 'json' });
    expect((JSON.parse(json.content) as JsonExport).questions).toEqual([]);
  });
});
