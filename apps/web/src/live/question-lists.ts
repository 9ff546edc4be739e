/**
 * How one live event changes cached questions. Pure functions over plain data, so every rule is
 * tested without React or a network; `apply-event.ts` runs them over the query cache.
 */
import type {
  OwnQuestion,
  OwnQuestionPage,
  Question,
  QuestionListInput,
  QuestionPage,
  StreamEvent,
} from '@pulsestage/contracts';

export interface Pages {
  pages: QuestionPage[];
  pageParams: unknown[];
}

export type ListFilters = Partial<
  Pick<QuestionListInput, 'status' | 'teamId' | 'tagId' | 'search' | 'sort'> & { hidden: boolean }
>;

/** The list changed (new data), cannot be patched from the event alone (refetch), or is untouched. */
export type ListOutcome = { kind: 'update'; data: Pages } | { kind: 'refetch' } | { kind: 'unchanged' };

const UNCHANGED: ListOutcome = { kind: 'unchanged' };
const REFETCH: ListOutcome = { kind: 'refetch' };

/** The id of the question an event is about, if it is about one. */
export function questionIdOf(event: StreamEvent): string | undefined {
  if (!event.type.startsWith('question:')) return undefined;
  const data = event.data as { id?: string; questionId?: string };
  return data.questionId ?? data.id;
}

/** What the event makes of a question it is about: the changed question, or null once it is gone. */
export function changedQuestion(question: Question, event: StreamEvent): Question | null {
  switch (event.type) {
    case 'question:created.v2':
      return { ...question, status: 'OPEN', body: event.data.body, teamId: event.data.teamId };
    case 'question:upvoted.v2':
      return { ...question, upvoteCount: event.data.upvoteCount };
    case 'question:answered.v3':
      return {
        ...question,
        status: 'ANSWERED',
        responseText: event.data.responseText,
        answeredAt: event.data.answeredAt,
      };
    case 'question:reopened.v1':
      return { ...question, status: 'OPEN', responseText: null, answeredAt: null };
    case 'question:edited.v1':
      return { ...question, body: event.data.body, editedAt: new Date(event.timestamp).toISOString() };
    case 'question:hidden.v1':
      return { ...question, hidden: true };
    case 'question:restored.v1':
      return { ...question, hidden: false };
    case 'question:tagged.v2': {
      const { tag } = event.data;
      if (question.tags.some((existing) => existing.id === tag.id)) return question;
      return { ...question, tags: [...question.tags, tag].sort((a, b) => a.name.localeCompare(b.name)) };
    }
    case 'question:untagged.v2':
      return { ...question, tags: question.tags.filter((tag) => tag.id !== event.data.tagId) };
    case 'question:pinned.v2': {
      const { pinned } = event.data;
      return { ...question, pinned, pinnedAt: pinned ? new Date(event.timestamp).toISOString() : null };
    }
    case 'question:removed.v2':
      return null;
    default:
      return question;
  }
}

function contains(list: Pages, questionId: string): boolean {
  return list.pages.some((page) => page.items.some((item) => item.id === questionId));
}

function mapItems(list: Pages, change: (items: Question[]) => Question[]): ListOutcome {
  return {
    kind: 'update',
    data: { ...list, pages: list.pages.map((page) => ({ ...page, items: change(page.items) })) },
  };
}

function remove(list: Pages, questionId: string): ListOutcome {
  if (!contains(list, questionId)) return UNCHANGED;
  return mapItems(list, (items) => items.filter((item) => item.id !== questionId));
}

function insert(list: Pages, question: Question): ListOutcome {
  const [first = { items: [], nextCursor: null, sequence: 0 }, ...rest] = list.pages;
  return {
    kind: 'update',
    data: { ...list, pages: [{ ...first, items: [question, ...first.items] }, ...rest] },
  };
}

/** Applies the event to the question where the list holds it. */
function patch(list: Pages, event: StreamEvent, questionId: string): ListOutcome {
  if (!contains(list, questionId)) return UNCHANGED;
  return mapItems(list, (items) =>
    items.flatMap((item) => {
      if (item.id !== questionId) return [item];
      const changed = changedQuestion(item, event);
      return changed ? [changed] : [];
    }),
  );
}

/** The list's status when it leaves it unset: the open queue. */
const statusOf = (filters: ListFilters) => filters.status ?? 'OPEN';

function matchesText(filters: ListFilters, teamId: string | null, body: string): boolean {
  if (filters.teamId && filters.teamId !== teamId) return false;
  const search = filters.search?.trim().toLocaleLowerCase();
  return !search || body.toLocaleLowerCase().includes(search);
}

function blankQuestion(
  fields: Pick<Question, 'id' | 'meetingId' | 'body' | 'teamId' | 'status' | 'submittedAt'>,
): Question {
  return {
    ...fields,
    hidden: false,
    editedAt: null,
    upvoteCount: 0,
    responseText: null,
    answeredAt: null,
    pinned: false,
    pinnedAt: null,
    tags: [],
    upvotedByMe: false,
    mine: false,
  };
}

/**
 * Whether the event moves a question into or out of the list: true when the list's filters say the
 * question belongs, false when it does not, undefined when the event does not decide it.
 */
function belongsAfter(filters: ListFilters, event: StreamEvent): boolean | undefined {
  switch (event.type) {
    case 'question:created.v2':
      return statusOf(filters) === 'OPEN' && matchesText(filters, event.data.teamId, event.data.body);
    case 'question:answered.v3':
      return statusOf(filters) === 'ANSWERED' && (!filters.teamId || filters.teamId === event.data.teamId);
    case 'question:reopened.v1':
      return statusOf(filters) === 'OPEN' ? undefined : false;
    case 'question:tagged.v2':
      return filters.tagId === event.data.tag.id ? true : undefined;
    case 'question:untagged.v2':
      return filters.tagId === event.data.tagId ? false : undefined;
    case 'question:hidden.v1':
      return false;
    default:
      return undefined;
  }
}

/**
 * The moderators' list of hidden questions: it follows changes to the questions it holds, loses a
 * restored one, and loads again for a newly hidden one (the event does not carry the question).
 */
function applyToHiddenList(list: Pages, event: StreamEvent, questionId: string): ListOutcome {
  if (event.type === 'question:hidden.v1') return contains(list, questionId) ? UNCHANGED : REFETCH;
  if (event.type === 'question:restored.v1') return remove(list, questionId);
  return patch(list, event, questionId);
}

/**
 * What an event whose question may now belong to the list does to it: a restored or reopened question
 * comes back with fields the event does not carry, and an edit may match a search or not any more.
 */
function reloadsList(filters: ListFilters, event: StreamEvent, list: Pages, questionId: string): boolean {
  switch (event.type) {
    case 'question:restored.v1':
      return true;
    case 'question:reopened.v1':
      return statusOf(filters) === 'OPEN' && !contains(list, questionId);
    case 'question:edited.v1':
      return Boolean(filters.search?.trim());
    default:
      return false;
  }
}

/**
 * Applies one event to one cached list whose query used `filters`. `known` is the question as another
 * cached list holds it: an approved question keeps the tags it was given while under review.
 */
export function applyToList(
  list: Pages,
  filters: ListFilters,
  event: StreamEvent,
  known?: Question,
): ListOutcome {
  if (event.type === 'stream:resync') return REFETCH;
  if (event.type === 'question:pending.v2') {
    const { data } = event;
    if (filters.hidden || statusOf(filters) !== 'UNDER_REVIEW' || filters.tagId) return UNCHANGED;
    if (!matchesText(filters, data.teamId, data.body) || contains(list, data.id)) return UNCHANGED;
    return insert(list, blankQuestion({ ...data, status: 'UNDER_REVIEW' }));
  }
  const questionId = questionIdOf(event);
  if (!questionId) return UNCHANGED;
  if (filters.hidden) return applyToHiddenList(list, event, questionId);
  if (reloadsList(filters, event, list, questionId)) return REFETCH;
  const belongs = belongsAfter(filters, event);
  if (belongs === false) return remove(list, questionId);
  if (belongs === true && !contains(list, questionId)) {
    if (event.type !== 'question:created.v2' || filters.tagId) return REFETCH;
    const created = { ...blankQuestion(event.data), upvoteCount: event.data.upvoteCount };
    return insert(list, known ? (changedQuestion(known, event) ?? created) : created);
  }
  return patch(list, event, questionId);
}

/** What its author keeps of a removed question: the words, marked as rejected at the event's time. */
function rejected(question: OwnQuestion, event: StreamEvent): OwnQuestion {
  return {
    ...question,
    upvoteCount: 0,
    upvotedByMe: false,
    pinned: false,
    pinnedAt: null,
    tags: [],
    rejectedAt: new Date(event.timestamp).toISOString(),
  };
}

/** Applies one event to the caller's own questions (every status, rejected ones included). */
export function applyToOwn(questions: OwnQuestion[], event: StreamEvent): OwnQuestion[] {
  const questionId = questionIdOf(event);
  if (!questionId || !questions.some((question) => question.id === questionId)) return questions;
  return questions.map((question) => {
    if (question.id !== questionId) return question;
    const changed = changedQuestion(question, event);
    return changed ? { ...question, ...changed } : rejected(question, event);
  });
}

export interface OwnPages {
  pages: OwnQuestionPage[];
  pageParams: unknown[];
}

/** {@link applyToOwn} over the loaded pages of the caller's own questions. */
export function applyToOwnPages(own: OwnPages, event: StreamEvent): OwnPages {
  const pages = own.pages.map((page) => {
    const items = applyToOwn(page.items, event);
    return items === page.items ? page : { ...page, items };
  });
  return pages.every((page, index) => page === own.pages[index]) ? own : { ...own, pages };
}

/** Every loaded question once, in the list's order, kept as counts change live. */
export function visibleQuestions(list: Pages | undefined, sort: ListFilters['sort'] = 'top'): Question[] {
  const seen = new Map<string, Question>();
  for (const page of list?.pages ?? []) for (const item of page.items) seen.set(item.id, item);
  return [...seen.values()].sort((a, b) => compareQuestions(a, b, sort));
}

/** The server's order: most votes first (for `top`), then newest, then by id. */
export function compareQuestions(a: Question, b: Question, sort: ListFilters['sort'] = 'top'): number {
  if (sort === 'top' && a.upvoteCount !== b.upvoteCount) return b.upvoteCount - a.upvoteCount;
  if (a.submittedAt !== b.submittedAt) return a.submittedAt < b.submittedAt ? 1 : -1;
  return a.id < b.id ? 1 : -1;
}
