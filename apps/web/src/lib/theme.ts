import { useSyncExternalStore } from 'react';
import { storedChoice } from './stored-choice';

/** What a person picks: the system's setting (the default), or one theme whatever the system says. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** The browser's bar: light keeps index.html's colour, dark matches the dark page. */
const BROWSER_BAR_COLORS: Record<Theme, string> = { light: '#0f172a', dark: '#020617' };

/** A stored choice, or `system` for nothing stored or anything this version does not know. */
export function parseThemeChoice(stored: string | null): ThemeChoice {
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice !== 'system') return choice;
  return systemPrefersDark ? 'dark' : 'light';
}

let systemDarkQuery: MediaQueryList | undefined;
const systemDark = () => {
  systemDarkQuery ??= window.matchMedia('(prefers-color-scheme: dark)');
  return systemDarkQuery;
};
// index.html's inline script reads the same key and values before the first paint: change both together.
const stored = storedChoice('pulsestage.theme', parseThemeChoice);
const listeners = new Set<() => void>();
let current: ThemeChoice = 'system';

export function currentTheme(): Theme {
  return resolveTheme(current, systemDark().matches);
}

function apply(): void {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', BROWSER_BAR_COLORS[theme]);
  for (const listener of listeners) listener();
}

/** Applies the stored choice before the first render, and follows the system's switches from then on. */
export function startTheme(): void {
  current = stored.read();
  apply();
  systemDark().addEventListener('change', apply);
}

export function chooseTheme(choice: ThemeChoice): void {
  current = choice;
  stored.store(choice === 'system' ? null : choice);
  apply();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const useThemeChoice = (): ThemeChoice => useSyncExternalStore(subscribe, () => current);

/** The theme shown now, for what CSS cannot colour (a chart's canvas). */
export const useTheme = (): Theme => useSyncExternalStore(subscribe, currentTheme);
