import { isLanguage, LANGUAGES, type Language } from '@pulsestage/contracts/languages';
import { useEffect, useSyncExternalStore } from 'react';
import { showLanguage } from '../i18n/catalogs';
import { storedChoice } from './stored-choice';

/** Each language named in itself, so a person finds their own whatever is shown now. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
};

/** A stored choice, or null for nothing stored or a language this version does not speak. */
export function parseLanguageChoice(stored: string | null): Language | null {
  return stored !== null && isLanguage(stored) ? stored : null;
}

/** The first of the browser's languages the app speaks, by its main tag: `de-AT` is German. */
export function browserLanguage(preferred: readonly string[]): Language | null {
  for (const tag of preferred) {
    const main = tag.split('-')[0]?.toLowerCase() ?? '';
    if (isLanguage(main)) return main;
  }
  return null;
}

/** The person's own choice, else the tenant's default, else the browser's languages, else English. */
export function resolveLanguage(
  choice: Language | null,
  tenantDefault: Language | null,
  browser: Language | null,
): Language {
  return choice ?? tenantDefault ?? browser ?? LANGUAGES[0];
}

const stored = storedChoice('pulsestage.language', parseLanguageChoice);
const listeners = new Set<() => void>();
let choice: Language | null = null;
let tenantDefault: Language | null = null;

const currentLanguage = () => resolveLanguage(choice, tenantDefault, browserLanguage(navigator.languages));

function apply(): Promise<void> {
  for (const listener of listeners) listener();
  return showLanguage(currentLanguage());
}

/** Loads the language to show before the first render: the app's texts come with it. */
export function startLanguage(): Promise<void> {
  choice = stored.read();
  return apply();
}

/** A language for this browser from now on, or null to follow the tenant and the browser again. */
export function chooseLanguage(language: Language | null): void {
  choice = language;
  stored.store(language);
  void apply();
}

/** Follows the tenant's default language while its pages are shown (a person's own choice still wins). */
export function useTenantLanguage(language: Language | null): void {
  useEffect(() => {
    if (tenantDefault === language) return;
    tenantDefault = language;
    void apply();
  }, [language]);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const useLanguageChoice = (): Language | null => useSyncExternalStore(subscribe, () => choice);
