import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../clock.js';
import { type Client, errorCodeOf, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { RESULTS_NOW, seedPulseResults, TINY_SCORES } from '../test-support/pulse-results.js';

const alpha = { tenant: 'alpha' } as const;
const SCORE_COLUMNS = Array.from({ length: 11 }, (_, score) => `Score ${score}`);
const WORKLOAD = `'=HYPERLINK("http://evil.example") is my workload sustainable?`;

/** The cells of the row's score columns for the scores of `agree5` (1–5), the others being blank. */
const agree5 = (...counts: number[]) => ['', ...counts.map(String), '', '', '', '', ''];
const noScores = SCORE_COLUMNS.map(() => '');

describe.each(DIALECTS)('pulse.exportResults on %s', { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let admin: Client;
  const clock = new SettableClock();

  beforeAll(async () => {
    clock.set(RESULTS_NOW);
    app = await startTestApp(dialect, { clock });
    await seedPulseResults(app.db, app.tenantIds, Object.values(app.userIds));
    admin = await app.as('admin');
  });
  afterAll(() => app?.close());

  async function exportedRows(weeks = 4): Promise<string[][]> {
    const file = await admin.pulse.exportResults.query({ ...alpha, weeks });
    expect(file).toMatchObject({
      filename: 'alpha-pulse-results.csv',
      contentType: 'text/csv; charset=utf-8',
    });
    expect(file.content.startsWith('\uFEFFQuestion,')).toBe(true);
    return parse(file.content, { bom: true });
  }

  it('exports the aggregates of the trend and of each round by team and cohort, formula-safe', async () => {
    const [header, ...rows] = await exportedRows();
    expect(header).toEqual([
      'Question',
      'Scale',
      'Week',
      'Group',
      'Group name',
      'Responses',
      'Mean',
      ...SCORE_COLUMNS,
      'Suppressed',
      'More answers needed',
    ]);
    const workload = rows.filter((row) => row[0] === WORKLOAD);
    expect(workload).toEqual([
      [WORKLOAD, 'agree5', '2026-W46', 'all', '', '6', '3.83', ...agree5(0, 0, 2, 3, 1), 'no', ''],
      [WORKLOAD, 'agree5', '2026-W47', 'all', '', '', '', ...noScores, 'yes', '1'],
      [WORKLOAD, 'agree5', '2026-W49', 'all', '', '18', '3.56', ...agree5(2, 2, 3, 6, 5), 'no', ''],
      [
        WORKLOAD,
        'agree5',
        '2026-W49',
        'team',
        'Engineering',
        '9',
        '3.78',
        ...agree5(0, 1, 2, 4, 2),
        'no',
        '',
      ],
      [WORKLOAD, 'agree5', '2026-W49', 'team', 'Sales', '', '', ...noScores, 'yes', '2'],
      [WORKLOAD, 'agree5', '2026-W49', 'team', 'Tiny', '', '', ...noScores, 'yes', '2'],
      [WORKLOAD, 'agree5', '2026-W49', 'cohort', 'Weekday', '13', '3.46', ...agree5(2, 1, 2, 5, 3), 'no', ''],
      [WORKLOAD, 'agree5', '2026-W49', 'cohort', 'Weekend', '5', '3.80', ...agree5(0, 1, 1, 1, 2), 'no', ''],
    ]);
    const onCall = rows.filter((row) => row[0] === 'How likely are you to recommend the on-call rotation?');
    expect(onCall.map((row) => row.slice(1, 7))).toEqual([
      ['likely10', '2026-W48', 'all', '', '7', '5.71'],
      ['likely10', '2026-W48', 'team', 'Engineering', '', ''],
      ['likely10', '2026-W48', 'cohort', 'Weekday', '7', '5.71'],
    ]);
    expect(onCall[0]?.slice(7, 18)).toEqual(['2', '0', '0', '0', '0', '0', '1', '1', '1', '1', '1']);
    expect(rows.filter((row) => row[0] === 'A question never asked')).toEqual([]);
    expect(rows.some((row) => row[0] === 'Beta only')).toBe(false);
  });

  it("never carries the team of three's scores, directly or through the team hidden beside it", async () => {
    const [, ...rows] = await exportedRows(12);
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      expect(row[5]).not.toBe(String(TINY_SCORES.length));
      expect(row[6]).not.toBe('1.33');
      if (row[4] === 'Tiny' || row[4] === 'Sales')
        expect(row.slice(5)).toEqual(['', '', ...noScores, 'yes', '2']);
    }
  });

  it('is for admins and owners only', async () => {
    for (const account of ['member', 'moderator'] as const) {
      const client = await app.as(account);
      expect(await errorCodeOf(client.pulse.exportResults.query(alpha))).toBe('FORBIDDEN');
    }
  });
});
