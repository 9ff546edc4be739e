import i18next from 'i18next';
import { startI18next } from './catalogs';
import en from './en';

// Unit tests read the texts in English, as the app shows them to an English browser.
await startI18next(i18next, 'en', { en: { translation: en } });
