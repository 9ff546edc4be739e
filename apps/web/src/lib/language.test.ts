import { describe, expect, it } from 'vitest';
import { browserLanguage, parseLanguageChoice, resolveLanguage } from './language';

describe('the language shown', () => {
  it("is the person's choice first, then the tenant's default, then the browser's, then English", () => {
    expect(resolveLanguage('fr', 'de', 'es')).toBe('fr');
    expect(resolveLanguage(null, 'de', 'es')).toBe('de');
    expect(resolveLanguage(null, null, 'es')).toBe('es');
    expect(resolveLanguage(null, null, null)).toBe('en');
  });

  it("takes the first of the browser's languages the app speaks, by its main tag", () => {
    expect(browserLanguage(['de-AT', 'en-US'])).toBe('de');
    expect(browserLanguage(['it-IT', 'ES', 'fr'])).toBe('es');
    expect(browserLanguage(['it', 'pt-BR'])).toBeNull();
    expect(browserLanguage([])).toBeNull();
  });

  it('reads back a stored choice, and nothing for what this version does not speak', () => {
    expect(parseLanguageChoice('fr')).toBe('fr');
    expect(parseLanguageChoice('it')).toBeNull();
    expect(parseLanguageChoice(null)).toBeNull();
  });
});
