import { z } from 'zod';

/**
 * Text people type, as PulseStage stores it: one Unicode form (NFC), so that equal-looking text is
 * equal, and without the bidirectional controls and marks (U+202A–U+202E, U+2066–U+2069, U+200E,
 * U+200F, U+061C) that make text on a screen read differently from what was written.
 */
const BIDI_CONTROLS = /\p{Bidi_Control}/gu;

/**
 * Characters that draw nothing by themselves: spaces, zero-width and other default-ignorable
 * characters (variation selectors and Hangul fillers among them), combining marks without a base,
 * controls, format characters, lone surrogates and the blank Braille pattern.
 */
const DRAWS_NOTHING = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{M}\p{Cc}\p{Cf}\p{Cs}\u2800]/gu;

/** Control characters other than tab and line breaks: never meaningful in text people type. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function normalizeText(value: string): string {
  return value.normalize('NFC').replace(BIDI_CONTROLS, '');
}

/** Whether the text has at least one character that shows on a screen. */
export function hasVisibleText(value: string): boolean {
  return value.replace(DRAWS_NOTHING, '') !== '';
}

/**
 * The form two texts are compared in to tell whether they say the same: normalized, case-folded,
 * with every run of spaces one space.
 */
export function comparableText(value: string): string {
  return normalizeText(value).toLocaleLowerCase('en').replace(/\s+/gu, ' ').trim();
}

/**
 * Normalized, trimmed text of `min`–`max` characters (counted after normalizing), without control
 * characters and not made only of characters that draw nothing; every free-text input uses it.
 */
export function text(min: number, max: number) {
  return z
    .string()
    .overwrite(normalizeText)
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), {
      message: 'must not contain control characters',
      abort: true,
    })
    .refine((value) => value === '' || hasVisibleText(value), 'must contain visible text');
}
