import type { Language } from '@pulsestage/contracts/languages';
import i18next, { type i18n, type Resource } from 'i18next';
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

/** i18next as the app runs it: `{{x, lowercase}}` lowers a word in running text (English's "Undone: …"). */
export async function startI18next(i18n: i18n, language: Language, resources: Resource): Promise<void> {
  await i18n.init({
    lng: language,
    resources,
    // Every language has every key (a test checks), so nothing falls back to a catalog not loaded.
    fallbackLng: false,
    interpolation: { escapeValue: false },
    react: { useSuspense: false },
  });
  i18n.services.formatter?.add('lowercase', (value: string, locale) => value.toLocaleLowerCase(locale));
}

/** Loads `language` and makes it the one every text, date and number is shown in (the last one asked wins). */
export async function showLanguage(language: Language): Promise<void> {
  wanted = language;
  if (!i18next.isInitialized) await startI18next(i18next.use(initReactI18next), language, {});
  await loadCatalog(language);
  if (wanted !== language) return;
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

/** The language shown now, for `Intl` formats. */
export const activeLocale = (): string => i18next.language;
