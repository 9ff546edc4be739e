import { LANGUAGES, type Language } from '@pulsestage/contracts/languages';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import de from './de';
import en from './en';
import es from './es';
import fr from './fr';
import type { Messages } from './messages';

const CATALOGS: Record<Language, Messages> = { en, de, fr, es };

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Every key of a catalog as a dotted path, with its text. */
function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [inner, text] of flatten(value, path)) entries.set(inner, text);
  }
  return entries;
}

/** The keys of a catalog with the plural forms folded into their base key, each with the forms it has. */
function keysOf(messages: Messages): Map<string, { forms: Set<string>; texts: string[] }> {
  const keys = new Map<string, { forms: Set<string>; texts: string[] }>();
  for (const [path, text] of flatten(messages)) {
    const form = path.match(PLURAL_SUFFIX)?.[1];
    const base = form ? path.replace(PLURAL_SUFFIX, '') : path;
    const entry = keys.get(base) ?? { forms: new Set<string>(), texts: [] };
    if (form) entry.forms.add(form);
    entry.texts.push(text);
    keys.set(base, entry);
  }
  return keys;
}

/** `{{count, number}}` → `count`; `<link>` → `<link>`: what a text expects to be filled in. */
function slotsOf(texts: readonly string[]): string[] {
  const slots = new Set<string>();
  for (const text of texts) {
    for (const [, name] of text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)) if (name) slots.add(name);
    for (const [, tag] of text.matchAll(/<(\w+)>/g)) if (tag) slots.add(`<${tag}>`);
  }
  return [...slots].sort();
}

const english = keysOf(en);

describe.each(LANGUAGES)('the %s catalog', (language) => {
  const catalog = keysOf(CATALOGS[language]);
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;

  it('has exactly the keys English has', () => {
    expect([...catalog.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("has each plural in the forms of the language's plural rules", () => {
    for (const [key, { forms }] of english) {
      if (forms.size === 0) continue;
      expect([...(catalog.get(key)?.forms ?? [])].sort(), key).toEqual([...categories].sort());
    }
  });

  it('fills in the same placeholders and tags as English', () => {
    for (const [key, { texts }] of english) {
      expect(slotsOf(catalog.get(key)?.texts ?? []), key).toEqual(slotsOf(texts));
    }
  });

  it('leaves no text empty', () => {
    for (const [path, text] of flatten(CATALOGS[language])) expect(text.trim(), path).not.toBe('');
  });
});

/** Elements HTML never nests anything in: `<Trans>` would drop the text between such a pair of tags. */
const VOID_ELEMENTS = [
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
];

describe('tags in the texts', () => {
  it('are never named like an HTML element that holds no text', () => {
    for (const [path, text] of flatten(en)) {
      for (const [, tag] of text.matchAll(/<(\w+)>/g)) expect(VOID_ELEMENTS, path).not.toContain(tag);
    }
  });
});

describe('keys in the code', () => {
  it('are checked against English by the compiler', () => {
    // @ts-expect-error: a key en.ts lacks does not compile, so the code never shows a bare key.
    expect(i18next.t('participant.noSuchKey')).toBe('participant.noSuchKey');
  });
});
