import { LANGUAGES, type Language } from '@pulsestage/contracts/languages';
import { useTranslation } from 'react-i18next';
import { chooseLanguage, LANGUAGE_NAMES, useLanguageChoice } from '../lib/language';
import { chooseTheme, THEME_CHOICES, useThemeChoice } from '../lib/theme';
import { Select } from './select';

/** System, light or dark, kept in this browser. */
export function ThemeToggle({ className = '' }: { className?: string }) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('common.theme')}
      value={useThemeChoice()}
      options={THEME_CHOICES.map((choice) => ({ value: choice, label: t(`common.themes.${choice}`) }))}
      onChange={chooseTheme}
      className={`py-1 ${className}`}
    />
  );
}

const AUTOMATIC = 'auto' as const;

/** The language of the app in this browser: one chosen, or automatic (the organization's, else the browser's). */
export function LanguageSelect({ className = '' }: { className?: string }) {
  const { t } = useTranslation();
  const options = [
    { value: AUTOMATIC, label: t('common.automaticLanguage') },
    ...LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] })),
  ];
  return (
    <Select<Language | typeof AUTOMATIC>
      label={t('common.language')}
      value={useLanguageChoice() ?? AUTOMATIC}
      options={options}
      onChange={(choice) => chooseLanguage(choice === AUTOMATIC ? null : choice)}
      className={`py-1 ${className}`}
    />
  );
}

/** How this browser shows the app: its language and its theme, side by side. */
export function DisplayChoices({ className = '' }: { className?: string }) {
  return (
    <span className="flex items-center gap-2">
      <LanguageSelect className={className} />
      <ThemeToggle className={className} />
    </span>
  );
}
