import type { Question } from '@pulsestage/contracts';
import { useEffect, useState } from 'react';
import { trpc } from '../trpc';
import type { Where } from './questions';

/** A pause in typing this long asks the server; each keystroke alone does not. */
const TYPING_PAUSE_MS = 300;
/** Shorter text says too little to compare. */
const SIMILAR_MIN_LENGTH = 8;
/** The start of a long text is enough to find what it repeats. */
const COMPARED_MAX = 300;

/** `value` once it has stayed the same for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The open questions of the meeting that say much the same as `text`, closest first, asked once typing
 * pauses; none for text too short to compare. While the next answer loads the previous one stays, so
 * the list does not flicker between keystrokes.
 */
export function useSimilarQuestions(where: Where, text: string): Question[] {
  const typed = useSettled([...text.trim()].slice(0, COMPARED_MAX).join(''), TYPING_PAUSE_MS);
  const enabled = typed.length >= SIMILAR_MIN_LENGTH && text.trim().length >= SIMILAR_MIN_LENGTH;
  const similar = trpc.question.similar.useQuery(
    { ...where, body: typed },
    { enabled, staleTime: 0, placeholderData: (previous) => previous },
  );
  return enabled ? (similar.data ?? []) : [];
}
