import type { ExportFile, QuestionStatus } from '@pulsestage/contracts';
import { spreadsheetCsv, spreadsheetTime } from '../csv.js';
import type { Executor } from '../db/schema.js';
import { type ExportedQuestionRow, listExportedQuestions, tagNamesByQuestion } from './reports-repository.js';
import type { MeetingRow } from './repository.js';

export type ExportFormat = 'csv' | 'json';

/** One question as exported: what was asked and what became of it, never who asked. */
export interface ExportedQuestion {
  text: string;
  team: string | null;
  tags: string[];
  votes: number;
  status: string;
  answer: string | null;
  submittedAt: string;
  answeredAt: string | null;
  hidden: boolean;
}

const STATUS_LABELS: Record<QuestionStatus, string> = {
  OPEN: 'open',
  ANSWERED: 'answered',
  UNDER_REVIEW: 'under review',
};

/**
 * Moderators export to follow up on everything the meeting raised, so questions still under review
 * are in (with that status), as are hidden ones; rejected questions are not.
 */
const CONTENTS = 'Published, answered, hidden and under-review questions; rejected questions are left out.';

const CSV_COLUMNS = [
  'Question',
  'Team',
  'Tags',
  'Votes',
  'Status',
  'Answer',
  'Submitted at (UTC)',
  'Answered at (UTC)',
  'Hidden',
];

function toExported(row: ExportedQuestionRow, tags: string[]): ExportedQuestion {
  const answered = row.status === 'ANSWERED';
  return {
    text: row.body,
    team: row.teamName,
    tags,
    votes: row.upvotes,
    status: STATUS_LABELS[row.status],
    answer: answered ? row.responseText : null,
    submittedAt: row.submittedAt,
    answeredAt: answered ? row.answeredAt : null,
    hidden: row.hiddenAt !== null,
  };
}

function toCsvRecord(question: ExportedQuestion): (string | number)[] {
  return [
    question.text,
    question.team ?? '',
    question.tags.join(', '),
    question.votes,
    question.status,
    question.answer ?? '',
    spreadsheetTime(question.submittedAt),
    spreadsheetTime(question.answeredAt),
    question.hidden ? 'yes' : 'no',
  ];
}

/** CSV with a byte-order mark; cells a spreadsheet would run as a formula get a leading `'`. */
export function toCsv(questions: readonly ExportedQuestion[]): string {
  return spreadsheetCsv(CSV_COLUMNS, questions.map(toCsvRecord));
}

export function toJson(
  meeting: MeetingRow,
  questions: readonly ExportedQuestion[],
  exportedAt: string,
): string {
  const document = {
    meeting: { title: meeting.title, code: meeting.code, state: meeting.state },
    exportedAt,
    contents: CONTENTS,
    questions,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** A file name from the meeting's title: ASCII letters, digits and hyphens only. */
export function exportFilename(title: string, format: ExportFormat): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${base || 'meeting'}-questions.${format}`;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The meeting's questions as a file to download, at any point of its life. */
export async function exportMeeting(
  db: Executor,
  meeting: MeetingRow,
  format: ExportFormat,
): Promise<ExportFile> {
  const [rows, tags] = await Promise.all([
    listExportedQuestions(db, meeting.id),
    tagNamesByQuestion(db, meeting.id),
  ]);
  const questions = rows.map((row) => toExported(row, tags.get(row.id) ?? []));
  const content = format === 'csv' ? toCsv(questions) : toJson(meeting, questions, new Date().toISOString());
  return { filename: exportFilename(meeting.title, format), contentType: CONTENT_TYPES[format], content };
}
