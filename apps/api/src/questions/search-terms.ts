/** Words too common to tell one question from another. */
const STOP_WORDS = new Set(
  (
    'a about after again all also am an and any are as at be been before being but by can could did do ' +
    'does doing for from had has have having how i if in into is it its just me more most my no not now of ' +
    'on or our out over own so some such than that the their them then there these they this those to too ' +
    'under up very was we were what when where which while who whom why will with would you your'
  ).split(' '),
);

const MAX_TERMS = 8;
const MIN_TERM_LENGTH = 2;

/**
 * The words of typed text worth searching for: lower-cased runs of letters and digits, common words
 * left out, each once. Quotes, dashes, brackets and the like only separate words, so nothing typed
 * reaches a query language as syntax. Empty when nothing is left to search for.
 */
export function searchTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const terms = words.filter((word) => [...word].length >= MIN_TERM_LENGTH && !STOP_WORDS.has(word));
  return [...new Set(terms)].slice(0, MAX_TERMS);
}
