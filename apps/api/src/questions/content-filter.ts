import { comparableText } from '@pulsestage/contracts';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import type { Executor } from '../db/schema.js';
import { findRestrictedWords } from '../tenants/safety.js';

// Which questions a moderator sees before the screen does: profanity from a maintained list, which also
// catches its usual disguises (l33t, repeated letters, look-alike characters), and a tenant's own words.

const profanity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** Neither a letter, a digit nor a mark may touch a restricted word, so "class" does not match "ass". */
const WORD_EDGE = '[\\p{L}\\p{N}\\p{M}]';

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Whether `text` contains one of `words` as a whole word or phrase, ignoring case and spacing. */
export function containsRestrictedWord(text: string, words: readonly string[]): boolean {
  const alternatives = words.map(comparableText).filter(Boolean).map(escapeRegExp);
  if (alternatives.length === 0) return false;
  const pattern = new RegExp(`(?<!${WORD_EDGE})(?:${alternatives.join('|')})(?!${WORD_EDGE})`, 'u');
  return pattern.test(comparableText(text));
}

/** A number on its own: flight 455, room 717, 80085 in a ticket id. */
const STANDALONE_NUMBER = /(?<![\p{L}\p{M}])\p{N}+(?![\p{L}\p{M}])/gu;

/**
 * Whether `text` holds profanity. Numbers on their own are left out: the l33t disguises read "455" and
 * "717" as words, and a question about flight 455 is no abuse; digits mixed into letters ("5h1t") still
 * count.
 */
export function containsProfanity(text: string): boolean {
  return profanity.hasMatch(text.replace(STANDALONE_NUMBER, ' '));
}

/** Whether the question's text must wait for a moderator, whatever the approval setting says. */
export async function needsReview(db: Executor, tenantId: string, text: string): Promise<boolean> {
  return containsProfanity(text) || containsRestrictedWord(text, await findRestrictedWords(db, tenantId));
}
