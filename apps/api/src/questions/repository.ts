import type { Question, QuestionListInput, QuestionStatus, Tag } from '@pulsestage/contracts';
import { sql } from 'kysely';
import type { Executor } from '../db/schema.js';
import { notFound } from '../errors.js';
import { type Cursor, decodeCursor, encodeCursor } from './cursor.js';

export interface QuestionRow {
  id: string;
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
}

function selectQuestions(db: Executor, tenantId: string, viewerId: string) {
  return db
    .selectFrom('questions as q')
    .where('q.tenantId', '=', tenantId)
    .select((eb) => [
      'q.id',
      'q.teamId',
      'q.authorId',
      'q.body',
      'q.status',
      'q.responseText',
      'q.answeredAt',
      'q.pinnedAt',
      'q.submittedAt',
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
    status: selected.status as QuestionStatus,
    upvoteCount: Number(selected.upvoteCount ?? 0),
    upvotedByMe: Boolean(selected.upvotedByMe),
  };
}

export async function findQuestion(
  db: Executor,
  tenantId: string,
  questionId: string,
  viewerId: string,
): Promise<QuestionRow | undefined> {
  const selected = await selectQuestions(db, tenantId, viewerId)
    .where('q.id', '=', questionId)
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

export async function getQuestion(
  db: Executor,
  tenantId: string,
  questionId: string,
  viewerId: string,
): Promise<QuestionRow> {
  const row = await findQuestion(db, tenantId, questionId, viewerId);
  if (!row) throw notFound('Question not found');
  return row;
}

export async function countUpvotes(db: Executor, questionId: string): Promise<number> {
  const { count } = await db
    .selectFrom('upvotes')
    .where('questionId', '=', questionId)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
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

/** Adds tags and drops the author: no participant ever learns who asked. */
export async function toQuestions(db: Executor, rows: QuestionRow[]): Promise<Question[]> {
  const tags = await tagsByQuestion(
    db,
    rows.map((row) => row.id),
  );
  return rows.map(({ authorId: _author, ...row }) => ({
    ...row,
    pinned: row.pinnedAt !== null,
    tags: tags.get(row.id) ?? [],
  }));
}

export async function toQuestion(db: Executor, row: QuestionRow): Promise<Question> {
  const [question] = await toQuestions(db, [row]);
  if (!question) throw new Error('unreachable: one row in, one question out');
  return question;
}

export interface ListFilters extends Omit<QuestionListInput, 'tenant' | 'status'> {
  statuses: QuestionStatus[];
}

export async function listQuestions(
  db: Executor,
  tenantId: string,
  viewerId: string,
  filters: ListFilters,
): Promise<{ rows: QuestionRow[]; nextCursor: string | null }> {
  let query = db.selectFrom(selectQuestions(db, tenantId, viewerId).as('q')).selectAll();
  query = query.where('q.status', 'in', filters.statuses);
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
      if (cursor[0] === 'newest') {
        const [, submittedAt, id] = cursor;
        return eb.or([
          eb('q.submittedAt', '<', submittedAt),
          eb.and([eb('q.submittedAt', '=', submittedAt), eb('q.id', '<', id)]),
        ]);
      }
      const [, count, submittedAt, id] = cursor;
      return eb.or([
        eb('q.upvoteCount', '<', count),
        eb.and([
          eb('q.upvoteCount', '=', count),
          eb.or([
            eb('q.submittedAt', '<', submittedAt),
            eb.and([eb('q.submittedAt', '=', submittedAt), eb('q.id', '<', id)]),
          ]),
        ]),
      ]);
    });
  }
  if (filters.sort === 'top') query = query.orderBy('q.upvoteCount', 'desc');
  query = query
    .orderBy('q.submittedAt', 'desc')
    .orderBy('q.id', 'desc')
    .limit(filters.limit + 1);

  const rows = (await query.execute()).map(toRow);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  const hasMore = rows.length > filters.limit && last !== undefined;
  const next: Cursor | null = !hasMore
    ? null
    : filters.sort === 'top'
      ? ['top', last.upvoteCount, last.submittedAt, last.id]
      : ['newest', last.submittedAt, last.id];
  return { rows: page, nextCursor: next && encodeCursor(next) };
}

export async function listAuthoredQuestions(
  db: Executor,
  tenantId: string,
  authorId: string,
): Promise<QuestionRow[]> {
  const rows = await selectQuestions(db, tenantId, authorId)
    .where('q.authorId', '=', authorId)
    .orderBy('q.submittedAt', 'desc')
    .limit(200)
    .execute();
  return rows.map(toRow);
}
