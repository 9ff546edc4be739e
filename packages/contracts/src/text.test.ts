import { describe, expect, it } from 'vitest';
import { tenantSafetySettingsInput } from './inputs.js';
import { comparableText, hasVisibleText, normalizeText, text } from './text.js';

const messages = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe('normalizeText', () => {
  it('composes characters (NFC) and removes every bidi control and mark', () => {
    expect(normalizeText('Cafe\u0301')).toBe('Café');
    const controls = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c';
    expect(normalizeText(`a${controls}b`)).toBe('ab');
  });

  it('keeps what people mean: emoji with their selectors and joiners, other scripts, line breaks', () => {
    for (const value of ['❤️ 👩‍💻', 'שלום عالم', 'Zeile 1\nZeile 2']) expect(normalizeText(value)).toBe(value);
  });
});

describe('hasVisibleText', () => {
  it('finds nothing visible in spaces, zero-width and other ignorable characters, lone marks and controls', () => {
    const invisible = [
      ' \t\n\u00a0\u3000',
      '\u200b\u200c\u200d\u2060\ufeff',
      '\ufe0f\ufe00\u{e0100}',
      '\u0301\u0308',
      '\u3164\u115f\u1160\uffa0',
      '\u2800',
      '\u00ad\u034f\u180e',
      '\u{e0041}\u{e007f}',
    ];
    for (const value of invisible) expect(hasVisibleText(value), JSON.stringify(value)).toBe(false);
  });

  it('sees a single letter, digit, symbol or emoji among them', () => {
    for (const value of ['\u200ba', '7', '?', '\u200d❤️', 'e\u0301', 'ㄱ']) {
      expect(hasVisibleText(value), JSON.stringify(value)).toBe(true);
    }
  });
});

describe('comparableText', () => {
  it('folds case, composition and spacing', () => {
    expect(comparableText('  Is the  CAFE\u0301\nopen? ')).toBe(comparableText('is the café open?'));
    expect(comparableText('Is the café open?')).not.toBe(comparableText('Is the cafe open?'));
  });
});

describe('text()', () => {
  const field = text(1, 5);

  it('measures length after normalizing: a composed character counts once, removed controls not at all', () => {
    expect(field.parse('Cafe\u0301')).toBe('Café');
    expect(field.parse('\u202eabcde\u202c')).toBe('abcde');
    expect(messages(field.safeParse('abcdef'))).toEqual([': must be at most 5 characters']);
  });

  it('refuses text with nothing visible, and only bidi controls as empty', () => {
    expect(messages(field.safeParse('\u200b\u200b'))).toEqual([': must contain visible text']);
    expect(messages(field.safeParse('\u202e\u2066'))).toEqual([': must not be empty']);
    expect(messages(field.safeParse('\u0000'))).toEqual([': must not contain control characters']);
  });

  it('lets optional text be empty, but not invisible', () => {
    const optional = text(0, 5);
    expect(optional.parse('  ')).toBe('');
    expect(messages(optional.safeParse('\u2060'))).toEqual([': must contain visible text']);
  });
});

describe('tenantSafetySettingsInput', () => {
  const parse = (input: object) => tenantSafetySettingsInput.safeParse({ tenant: 'acme', ...input });

  it('normalizes words and drops repeats that differ only in case or spacing, keeping the first', () => {
    const result = parse({
      restrictedWords: [' Project \u202e  Falcon', 'project falcon', 'CAFE\u0301', 'café'],
    });
    expect(result.data?.restrictedWords).toEqual(['Project Falcon', 'CAFÉ']);
  });

  it('writes origins as browsers send them and drops repeats', () => {
    const result = parse({
      displayFrameOrigins: [
        'https://Intranet.Example.com/',
        'https://intranet.example.com',
        'http://localhost:5173',
      ],
    });
    expect(result.data?.displayFrameOrigins).toEqual([
      'https://intranet.example.com',
      'http://localhost:5173',
    ]);
  });

  it('refuses anything but an https origin (or http on localhost), naming the entry', () => {
    const refused = [
      'http://intranet.example.com',
      'https://intranet.example.com/display',
      'https://intranet.example.com?embed=1',
      'https://user@intranet.example.com',
      'https://*.example.com',
      'intranet.example.com',
      'javascript:alert(1)',
      'https:intranet.example.com',
      "https://example.com'; script-src *",
    ];
    for (const origin of refused) {
      expect(messages(parse({ displayFrameOrigins: ['https://ok.example.com', origin] })), origin).toEqual([
        'displayFrameOrigins.1: must be an origin like https://intranet.example.com',
      ]);
    }
  });

  it('bounds each word and the length of both lists', () => {
    expect(messages(parse({ restrictedWords: ['x'.repeat(61)] }))).toEqual([
      'restrictedWords.0: must be at most 60 characters',
    ]);
    expect(messages(parse({ restrictedWords: Array.from({ length: 501 }, (_, i) => `w${i}`) }))).toEqual([
      'restrictedWords: must list at most 500 words',
    ]);
    const origins = Array.from({ length: 21 }, (_, i) => `https://h${i}.example.com`);
    expect(messages(parse({ displayFrameOrigins: origins }))).toEqual([
      'displayFrameOrigins: must list at most 20 origins',
    ]);
  });
});
