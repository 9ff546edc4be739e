import type { Question } from '@pulsestage/contracts';
import { useState } from 'react';
import type { useModeration } from '../components/moderator-controls';
import { afterShowing, mostUpvoted, nextQuestion, previousQuestion } from './presenter';

/**
 * The presenter keys, for the console and the display alike: `n` next, `p`/`b` previous, `m` most
 * upvoted. Each puts its question on screen (pins it in place of the spotlight); the history of what
 * they showed stays with this page.
 */
export function usePresenterKeys(
  moderation: ReturnType<typeof useModeration>,
  open: readonly Question[],
  spotlight: Question | undefined,
): Record<string, () => void> {
  const [shown, setShown] = useState<string[]>([]);
  const history = spotlight && shown.at(-1) !== spotlight.id ? afterShowing(shown, spotlight) : shown;
  const show = (question: Question | undefined, nextHistory: string[]) => {
    if (!question) return;
    moderation.present(question, spotlight);
    setShown(nextHistory);
  };
  const previous = () => {
    const { question, shown: rest } = previousQuestion({ open, shown: history });
    show(question, rest);
  };
  const go = (pick: typeof nextQuestion) => {
    const question = pick({ open, shown: history });
    if (question) show(question, afterShowing(history, question));
  };
  return { n: () => go(nextQuestion), m: () => go(mostUpvoted), p: previous, b: previous };
}

/** The keys as the help lists them. */
export const PRESENTER_KEYS = [
  ['n', 'next'],
  ['p / b', 'previous'],
  ['m', 'mostUpvoted'],
] as const;
