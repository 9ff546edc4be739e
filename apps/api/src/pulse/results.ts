import type {
  ExportFile,
  PulseGroupResult,
  PulseQuestionResults,
  PulseResults,
  PulseScale,
  pulseResultsInput,
  Team,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Clock } from '../clock.js';
import { spreadsheetCsv } from '../csv.js';
import type { Database } from '../db/schema.js';
import { selectTeams } from '../tenants/repository.js';
import {
  combineCounts,
  groupResult,
  groupResultsOf,
  type RoundGroup,
  type ScoreCounts,
} from './aggregates.js';
import { isoWeekBefore, isoWeekOf, localDateAt } from './calendar.js';
import { toPulseQuestion } from './questions-repository.js';
import {
  countScores,
  type RoundRow,
  type ScoreCountRow,
  selectQuestionsWithResults,
  selectRounds,
  selectSentWeeks,
} from './results-repository.js';
import { readPulseSettings } from './settings.js';

type ResultsInput = z.output<typeof pulseResultsInput>;

/** The answers of one question in one week, as counted per team, cohort and score. */
type WeekAnswers = readonly ScoreCountRow[];

const weekKey = (questionId: string, week: string) => `${questionId} ${week}`;

function groupBy<Row, Key>(rows: readonly Row[], keyOf: (row: Row) => Key): Map<Key, Row[]> {
  const groups = new Map<Key, Row[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

const countsOf = (rows: WeekAnswers): ScoreCounts =>
  combineCounts(rows.map((row) => new Map([[row.score, row.answers]])));

/** What a question's results are read against: its scale, and the tenant's threshold, teams and cohorts. */
interface ResultsContext {
  scale: PulseScale;
  threshold: number;
  teams: ReadonlyMap<string, Team>;
  cohortOrder: readonly string[];
}

/**
 * Per team: answers without a team, or of a team deleted since, cannot be listed; they form one hidden
 * group of their own, which complementary suppression counts like any other.
 */
function teamGroups(answers: WeekAnswers, context: ResultsContext): RoundGroup<Team | null>[] {
  const teamOf = (row: ScoreCountRow) =>
    row.teamId === null ? null : (context.teams.get(row.teamId) ?? null);
  return [...groupBy(answers, teamOf)]
    .sort(([a], [b]) => (a?.name ?? '').localeCompare(b?.name ?? ''))
    .map(([team, rows]) => ({ key: team, counts: countsOf(rows), listed: team !== null }));
}

function cohortGroups(answers: WeekAnswers, context: ResultsContext): RoundGroup<string>[] {
  const rank = (name: string) => {
    const index = context.cohortOrder.indexOf(name);
    return index === -1 ? context.cohortOrder.length : index;
  };
  return [...groupBy(answers, (row) => row.cohortName)]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([cohortName, rows]) => ({ key: cohortName, counts: countsOf(rows), listed: true }));
}

function roundResults(
  round: RoundRow,
  answers: WeekAnswers,
  context: ResultsContext,
): NonNullable<PulseQuestionResults['round']> {
  const { scale, threshold } = context;
  const overall = groupResult(countsOf(answers), scale, threshold);
  const teams = groupResultsOf(teamGroups(answers, context), scale, threshold).flatMap(({ key, result }) =>
    key === null ? [] : [{ teamId: key.id, teamName: key.name, result }],
  );
  const cohorts = groupResultsOf(cohortGroups(answers, context), scale, threshold).map(({ key, result }) => ({
    cohortName: key,
    result,
  }));
  const responseRate =
    overall.suppressed || round.invited === 0 ? null : Math.min(1, overall.responses / round.invited);
  return { week: round.week, invited: round.invited, responseRate, overall, teams, cohorts };
}

/**
 * Every question's round (the latest week it was asked in) with its breakdowns, and its trend over the
 * last `weeks` weeks in the tenant's time zone. Groups below the tenant's threshold show only how many
 * more answers they need.
 */
export async function readPulseResults(
  db: Database,
  clock: Clock,
  access: TenantAccess,
  input: ResultsInput,
): Promise<PulseResults> {
  const tenantId = access.tenant.id;
  const settings = await readPulseSettings(db, tenantId);
  const today = localDateAt(clock.now(), settings.timeZone);
  const trendWeeks = { from: isoWeekBefore(today, input.weeks - 1), to: isoWeekOf(today) };
  const [questions, rounds, sentWeeks, teams] = await Promise.all([
    selectQuestionsWithResults(db, tenantId),
    selectRounds(db, tenantId),
    selectSentWeeks(db, tenantId, trendWeeks.from, trendWeeks.to),
    selectTeams(db, tenantId),
  ]);
  const roundWeeks = [...new Set(rounds.map((round) => round.week))];
  const counts = await countScores(db, tenantId, { ...trendWeeks, also: roundWeeks });
  const answersByWeek = groupBy(counts, (row) => weekKey(row.questionId, row.week));
  const roundOf = new Map(rounds.map((round) => [round.questionId, round]));
  const weeksOf = groupBy(sentWeeks, (sent) => sent.questionId);
  const teamsById = new Map(teams.map((team) => [team.id, team]));

  return {
    threshold: settings.threshold,
    questions: questions.map((question) => {
      const context = {
        scale: question.scale,
        threshold: settings.threshold,
        teams: teamsById,
        cohortOrder: settings.cohorts,
      };
      const answersIn = (week: string) => answersByWeek.get(weekKey(question.id, week)) ?? [];
      const round = roundOf.get(question.id);
      return {
        question: toPulseQuestion(question),
        round: round ? roundResults(round, answersIn(round.week), context) : null,
        trend: (weeksOf.get(question.id) ?? []).map(({ week }) => ({
          week,
          result: groupResult(countsOf(answersIn(week)), question.scale, settings.threshold),
        })),
      };
    }),
  };
}

const SCORES = Array.from({ length: 11 }, (_, score) => score);
const CSV_COLUMNS = [
  'Question',
  'Scale',
  'Week',
  'Group',
  'Group name',
  'Responses',
  'Mean',
  ...SCORES.map((score) => `Score ${score}`),
  'Suppressed',
  'More answers needed',
];

type GroupKind = 'all' | 'team' | 'cohort';

/** One CSV row: a group's aggregates, or only that it is suppressed and how many more answers it needs. */
function csvRecord(
  question: PulseQuestionResults['question'],
  week: string,
  group: { kind: GroupKind; name: string },
  result: PulseGroupResult,
): (string | number)[] {
  const head = [question.text, question.scale, week, group.kind, group.name];
  if (result.suppressed) return [...head, '', '', ...SCORES.map(() => ''), 'yes', result.needed];
  const lowest = question.scale === 'agree5' ? 1 : 0;
  const perScore = SCORES.map((score) => result.distribution[score - lowest] ?? '');
  return [...head, result.responses, result.mean.toFixed(2), ...perScore, 'no', ''];
}

/** A question's rows: the overall of each week of its trend, then its round by team and by cohort. */
function questionRecords({ question, round, trend }: PulseQuestionResults): (string | number)[][] {
  const overall = trend.filter((entry) => entry.week !== round?.week);
  const records = overall.map(({ week, result }) =>
    csvRecord(question, week, { kind: 'all', name: '' }, result),
  );
  if (!round) return records;
  return [
    ...records,
    csvRecord(question, round.week, { kind: 'all', name: '' }, round.overall),
    ...round.teams.map(({ teamName, result }) =>
      csvRecord(question, round.week, { kind: 'team', name: teamName }, result),
    ),
    ...round.cohorts.map(({ cohortName, result }) =>
      csvRecord(question, round.week, { kind: 'cohort', name: cohortName }, result),
    ),
  ];
}

/** The results as a CSV file of aggregates only, suppressed exactly as `readPulseResults` suppresses them. */
export async function exportPulseResults(
  db: Database,
  clock: Clock,
  access: TenantAccess,
  input: ResultsInput,
): Promise<ExportFile> {
  const results = await readPulseResults(db, clock, access, input);
  return {
    filename: `${access.tenant.slug}-pulse-results.csv`,
    contentType: 'text/csv; charset=utf-8',
    content: spreadsheetCsv(CSV_COLUMNS, results.questions.flatMap(questionRecords)),
  };
}
