import type { Question } from '@pulsestage/contracts';

/**
 * What the presenter keys put on screen. `open` is the meeting's open queue, most upvoted first;
 * `shown` the questions the keys already put on screen here, oldest first (the last is on screen).
 */
export interface PresenterState {
  open: readonly Question[];
  shown: readonly string[];
}

/** `n`: the most upvoted open question not yet shown. */
export function nextQuestion({ open, shown }: PresenterState): Question | undefined {
  return open.find((question) => !shown.includes(question.id));
}

/** `m`: the most upvoted open question, shown before or not. */
export function mostUpvoted({ open }: PresenterState): Question | undefined {
  return open[0];
}

/** `p`/`b`: the question shown before the one on screen, if it is still open; with the history left. */
export function previousQuestion({ open, shown }: PresenterState): {
  question: Question | undefined;
  shown: string[];
} {
  const history = shown.slice(0, -1);
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const question = open.find((candidate) => candidate.id === history[index]);
    if (question) return { question, shown: history.slice(0, index + 1) };
  }
  return { question: undefined, shown: [...shown] };
}

/** The history once `question` is on screen: it moves to the end. */
export const afterShowing = (shown: readonly string[], question: Question) => [
  ...shown.filter((id) => id !== question.id),
  question.id,
];

/** The question on screen: the most recently pinned one still open. */
export function spotlightOf(
  queue: { pinnedQuestionIds: string[] } | undefined,
  open: readonly Question[],
): Question | undefined {
  const byId = new Map(open.map((question) => [question.id, question]));
  const id = queue?.pinnedQuestionIds.find((pinned) => byId.has(pinned));
  return id ? byId.get(id) : undefined;
}
