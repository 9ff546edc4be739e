import i18next from 'i18next';
import en from './en';

// Unit tests read the texts in English, as the app shows them to an English browser.
await i18next.init({ lng: 'en', resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
