import type {
  MergeTarget,
  OwnQuestion,
  Question,
  QuestionListInput,
  QuestionStatus,
  Tag,
} from '@pulsestage/contracts';
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Executor } from '../db/schema.js';
import { type Cursor, decodeCursor, encodeCursor } from './cursor.js';
import { textMatch } from './text-match.js';

export interface QuestionRow {
  id: string;
  meetingId: string;
  teamId: string | null;
  authorId: string;
  body: string;
  status: QuestionStatus;
  responseText: string | null;
  answeredAt: string | null;
  pinnedAt: string | null;
  submittedAt: string;
  upvoteCount: number;
  upvotedByMe: boolean;
  /** Whether the viewer asked it. */
  mine: boolean;
  /** The viewer asked it and asked to be told when it is answered. */
  notifyWhenAnswered: boolean;
  /** Set once rejected: then only its author still sees it, in their own list. */
  rejectedAt: string | null;
  /** Set while a moderator hides it: then only moderators see it. */
  hiddenAt: string | null;
  editedAt: string | null;
  /** Set once a moderator merged it into another question (`rejectedAt` is set then too). */
  mergedAt: string | null;
  mergedIntoId: string | null;
}

/** Where a question lives: the meeting is always checked together with its tenant. */
export interface MeetingScope {
  tenantId: string;
  meetingId: string;
}

function selectQuestions(db: Executor, scope: MeetingScope, viewerId: string) {
  return db
    .selectFrom('questions as q')
    .where('q.tenantId', '=', scope.tenantId)
    .where('q.meetingId', '=', scope.meetingId)
    .select((eb) => [
      'q.id',
      'q.meetingId',
      'q.teamId',
      'q.authorId',
      'q.body',
      'q.status',
      'q.responseText',
      'q.answeredAt',
      'q.pinnedAt',
      'q.submittedAt',
      'q.rejectedAt',
      'q.hiddenAt',
      'q.editedAt',
      'q.mergedAt',
      'q.mergedIntoId',
      eb('q.authorId', '=', viewerId).as('mine'),
      eb.and([eb('q.authorId', '=', viewerId), eb('q.notifyAuthor', '=', 1)]).as('notifyWhenAnswered'),
      eb
        .selectFrom('upvotes')
        .whereRef('upvotes.questionId', '=', 'q.id')
        .select(eb.fn.countAll<number>().as('count'))
        .as('upvoteCount'),
      eb
        .exists(
          eb
            .selectFrom('upvotes')
            .whereRef('upvotes.questionId', '=', 'q.id')
            .where('upvotes.voterId', '=', viewerId)
            .select(sql.lit(1).as('one')),
        )
        .as('upvotedByMe'),
    ]);
}

type SelectedQuestion = Awaited<ReturnType<ReturnType<typeof selectQuestions>['executeTakeFirstOrThrow']>>;

function toRow(selected: SelectedQuestion): QuestionRow {
  return {
    ...selected,
    upvoteCount: Number(selected.upvoteCount ?? 0),
    upvotedByMe: Boolean(selected.upvotedByMe),
    mine: Boolean(selected.mine),
    notifyWhenAnswered: Boolean(selected.notifyWhenAnswered),
  };
}

export async function findQuestion(
  db: Executor,
  scope: MeetingScope,
  questionId: string,
  viewerId: string,
): Promise<QuestionRow | undefined> {
  const selected = await selectQuestions(db, scope, viewerId)
    .where('q.id', '=', questionId)
    .where('q.rejectedAt', 'is', null)
    .executeTakeFirst();
  return selected && toRow(selected);
}

/**
 * Holds the question's row lock until the transaction ends (PostgreSQL; SQLite runs one transaction
 * at a time anyway): two changes of one question, a rejection included, then happen one after the
 * other, and the later one sees what the earlier one did instead of writing about a question that
 * is gone.
 */
export async function lockQuestion(db: Executor, tenantId: string, questionId: string): Promise<void> {
  await db
    .updateTable('questions')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('tenantId', '=', tenantId)
    .where('id', '=', questionId)
    .execute();
}

/** Each question's number of upvotes, by id (0 for those with none). */
export async function countUpvotes(
  db: Executor,
  questionIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('upvotes')
    .where('questionId', 'in', questionIds)
    .groupBy('questionId')
    .select((eb) => ['questionId', eb.fn.countAll<number>().as('count')])
    .execute();
  const counts = new Map(questionIds.map((id) => [id, 0]));
  for (const { questionId, count } of rows) counts.set(questionId, Number(count));
  return counts;
}

/** What deciding on a vote needs to know of a question. */
export type VoteTarget = Pick<
  QuestionRow,
  'id' | 'meetingId' | 'authorId' | 'status' | 'hiddenAt' | 'answeredAt'
>;

/** The tenant's questions with these ids, by id; rejected ones are left out as if they did not exist. */
export async function findVoteTargets(
  db: Executor,
  tenantId: string,
  questionIds: readonly string[],
): Promise<Map<string, VoteTarget>> {
  const rows = await db
    .selectFrom('questions')
    .select(['id', 'meetingId', 'authorId', 'status', 'hiddenAt', 'answeredAt'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', questionIds)
    .where('rejectedAt', 'is', null)
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** One voter's upvote of one question. */
export interface Upvote {
  questionId: string;
  voterId: string;
}

/** The upvotes there are among every pair of these questions and voters. */
export function findUpvotes(
  db: Executor,
  questionIds: readonly string[],
  voterIds: readonly string[],
): Promise<Upvote[]> {
  return db
    .selectFrom('upvotes')
    .select(['questionId', 'voterId'])
    .where('questionId', 'in', questionIds)
    .where('voterId', 'in', voterIds)
    .execute();
}

async function tagsByQuestion(db: Executor, questionIds: string[]): Promise<Map<string, Tag[]>> {
  const tags = new Map<string, Tag[]>();
  if (questionIds.length === 0) return tags;
  const rows = await db
    .selectFrom('questionTags')
    .innerJoin('tags', 'tags.id', 'questionTags.tagId')
    .select(['questionTags.questionId', 'tags.id', 'tags.name', 'tags.color'])
    .where('questionTags.questionId', 'in', questionIds)
    .orderBy('tags.name')
    .execute();
  for (const { questionId, ...tag } of rows) {
    tags.set(questionId, [...(tags.get(questionId) ?? []), tag]);
  }
  return tags;
}

/** Each of these questions that every member can see (open or answered, shown), as a merge names it, by id. */
async function publicTargets(db: Executor, questionIds: string[]): Promise<Map<string, MergeTarget>> {
  if (questionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('questions')
    .select(['id', 'body', 'status'])
    .where('id', 'in', questionIds)
    .where('status', 'in', ['OPEN', 'ANSWERED'])
    .where('hiddenAt', 'is', null)
    .where('rejectedAt', 'is', null)
    .execute();
  return new Map(rows.map(({ id, body, status }) => [id, { id, body, answered: status === 'ANSWERED' }]));
}

/** Adds its tags and drops the author: no participant ever learns who asked. */
function toOwnQuestion(
  { authorId: _author, hiddenAt, mergedIntoId: _into, ...row }: QuestionRow,
  tags: Tag[],
  mergedInto: MergeTarget | null,
): OwnQuestion {
  return { ...row, pinned: row.pinnedAt !== null, hidden: hiddenAt !== null, tags, mergedInto };
}

/** For lists where nothing is rejected or merged. */
const withoutRejection = ({
  rejectedAt: _rejected,
  notifyWhenAnswered: _notify,
  mergedAt: _merged,
  mergedInto: _into,
  ...question
}: OwnQuestion): Question => question;

/**
 * Looks up the questions these merged ones joined, for a function that names each (by the merged
 * question's `mergedIntoId`) only while everyone can see it.
 */
export async function findMergeTargets(
  db: Executor,
  merged: { mergedIntoId: string | null }[],
): Promise<(mergedIntoId: string | null) => MergeTarget | null> {
  const targets = await publicTargets(
    db,
    merged.flatMap(({ mergedIntoId }) => (mergedIntoId ? [mergedIntoId] : [])),
  );
  return (mergedIntoId) => (mergedIntoId ? (targets.get(mergedIntoId) ?? null) : null);
}

export async function toOwnQuestions(db: Executor, rows: QuestionRow[]): Promise<OwnQuestion[]> {
  const tags = await tagsByQuestion(
    db,
    rows.map((row) => row.id),
  );
  const targetOf = await findMergeTargets(db, rows);
  return rows.map((row) => toOwnQuestion(row, tags.get(row.id) ?? [], targetOf(row.mergedIntoId)));
}

export async function toQuestions(db: Executor, rows: QuestionRow[]): Promise<Question[]> {
  return (await toOwnQuestions(db, rows)).map(withoutRejection);
}

export async function toQuestion(db: Executor, row: QuestionRow): Promise<Question> {
  const tags = await tagsByQuestion(db, [row.id]);
  return withoutRejection(toOwnQuestion(row, tags.get(row.id) ?? [], null));
}

interface ListFilters extends Omit<QuestionListInput, 'tenant' | 'meetingId' | 'status' | 'hidden'> {
  statuses: QuestionStatus[];
  /** Hidden questions only, or none of them. */
  hidden: boolean;
}

/** The meeting's questions as one table `q`, rejected ones included, to filter, order and page. */
function questionTable(db: Executor, scope: MeetingScope, viewerId: string) {
  return db.selectFrom(selectQuestions(db, scope, viewerId).as('q')).selectAll();
}

type QuestionTable = ReturnType<typeof questionTable>;
type QuestionTableBuilder =
  QuestionTable extends SelectQueryBuilder<infer Tables, infer From, infer _Row>
    ? ExpressionBuilder<Tables, From>
    : never;

/** Later in "newest first" order than the question submitted at `submittedAt` with `id`. */
function submittedBefore(eb: QuestionTableBuilder, submittedAt: string, id: string) {
  return eb.or([
    eb('q.submittedAt', '<', submittedAt),
    eb.and([eb('q.submittedAt', '=', submittedAt), eb('q.id', '<', id)]),
  ]);
}

interface RowPage {
  rows: QuestionRow[];
  nextCursor: string | null;
}

/** Up to `limit` rows of a query that asked for one more, and the cursor after them when there are more. */
async function pageOf(query: QuestionTable, limit: number, cursorAfter: (last: QuestionRow) => Cursor) {
  const rows = (await query.limit(limit + 1).execute()).map(toRow);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(cursorAfter(last)) : null;
  return { rows: page, nextCursor } satisfies RowPage;
}

export async function listQuestions(
  db: Executor,
  scope: MeetingScope,
  viewerId: string,
  filters: ListFilters,
): Promise<RowPage> {
  let query = questionTable(db, scope, viewerId)
    .where('q.status', 'in', filters.statuses)
    .where('q.rejectedAt', 'is', null)
    .where('q.hiddenAt', filters.hidden ? 'is not' : 'is', null);
  if (filters.teamId) query = query.where('q.teamId', '=', filters.teamId);
  if (filters.tagId) {
    const tagId = filters.tagId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('questionTags')
          .whereRef('questionTags.questionId', '=', 'q.id')
          .where('questionTags.tagId', '=', tagId)
          .select(sql.lit(1).as('one')),
      ),
    );
  }
  if (filters.search) {
    const pattern = `%${filters.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`lower(q.body) like ${pattern} escape '\\'`);
  }
  if (filters.cursor) {
    const cursor = decodeCursor(filters.cursor, filters.sort);
    query = query.where((eb) => {
      if (cursor[0] === 'newest') return submittedBefore(eb, cursor[1], cursor[2]);
      const [, count, submittedAt, id] = cursor;
      return eb.or([
        eb('q.upvoteCount', '<', count),
        eb.and([eb('q.upvoteCount', '=', count), submittedBefore(eb, submittedAt, id)]),
      ]);
    });
  }
  if (filters.sort === 'top') query = query.orderBy('q.upvoteCount', 'desc');
  query = query.orderBy('q.submittedAt', 'desc').orderBy('q.id', 'desc');
  return pageOf(query, filters.limit, (last) =>
    filters.sort === 'top'
      ? ['top', last.upvoteCount, last.submittedAt, last.id]
      : ['newest', last.submittedAt, last.id],
  );
}

/** The author's own questions, newest first, rejected ones included and hidden ones left out. */
export async function listAuthoredQuestions(
  db: Executor,
  scope: MeetingScope,
  authorId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<RowPage> {
  let query = questionTable(db, scope, authorId)
    .where('q.authorId', '=', authorId)
    .where('q.hiddenAt', 'is', null);
  if (page.cursor) {
    const [, submittedAt, id] = decodeCursor(page.cursor, 'mine');
    query = query.where((eb) => submittedBefore(eb, submittedAt, id));
  }
  query = query.orderBy('q.submittedAt', 'desc').orderBy('q.id', 'desc');
  return pageOf(query, page.limit, (last) => ['mine', last.submittedAt, last.id]);
}

/**
 * The open questions of the meeting every member can see whose text is closest to `terms`, closest
 * first: never one under review, hidden, rejected or merged. Ranked on ids alone first, so that only the
 * few it returns have their votes counted.
 */
export async function listSimilarQuestions(
  db: Executor,
  scope: MeetingScope,
  viewerId: string,
  terms: readonly string[],
  limit: number,
): Promise<QuestionRow[]> {
  const text = textMatch(db, terms);
  const ranked = await db
    .selectFrom(text.source)
    .crossJoin('questions as q')
    .where(text.matches)
    .where('q.tenantId', '=', scope.tenantId)
    .where('q.meetingId', '=', scope.meetingId)
    .where('q.status', '=', 'OPEN')
    .where('q.hiddenAt', 'is', null)
    .where('q.rejectedAt', 'is', null)
    .select('q.id')
    .orderBy(text.score, 'desc')
    .orderBy('q.submittedAt', 'desc')
    .limit(limit)
    .execute();
  const ids = ranked.map(({ id }) => id);
  if (ids.length === 0) return [];
  const rows = await selectQuestions(db, scope, viewerId).where('q.id', 'in', ids).execute();
  return rows.map(toRow).sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
}
