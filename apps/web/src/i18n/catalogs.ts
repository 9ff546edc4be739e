import type { Language } from '@pulsestage/contracts/languages';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Messages } from './messages';

/** Each language is a chunk of its own, fetched only when it is the one shown. */
const CATALOGS: Record<Language, () => Promise<{ default: Messages }>> = {
  en: () => import('./en'),
  de: () => import('./de'),
  fr: () => import('./fr'),
  es: () => import('./es'),
};

async function loadCatalog(language: Language): Promise<void> {
  if (i18next.hasResourceBundle(language, 'translation')) return;
  const { default: messages } = await CATALOGS[language]();
  i18next.addResourceBundle(language, 'translation', messages);
}

let wanted: Language | undefined;

/** Loads `language` and makes it the one every text, date and number is shown in (the last one asked wins). */
export async function showLanguage(language: Language): Promise<void> {
  wanted = language;
  if (!i18next.isInitialized) {
    await i18next.use(initReactI18next).init({
      lng: language,
      resources: {},
      // Every language has every key (a test checks), so nothing falls back to a catalog not loaded.
      fallbackLng: false,
      interpolation: { escapeValue: false },
      react: { useSuspense: false },
    });
  }
  await loadCatalog(language);
  if (wanted !== language) return;
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

/** The language shown now, for `Intl` formats. */
export const activeLocale = (): string => i18next.language;
