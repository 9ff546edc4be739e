import 'i18next';
import type en from './en';

// `t` accepts only the keys English has: a key missing from en.ts does not compile.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
