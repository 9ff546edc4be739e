import { chooseTheme, THEME_CHOICES, useThemeChoice } from '../lib/theme';
import { Select } from './select';

/** System, light or dark, kept in this browser. */
export function ThemeToggle({ className = '' }: { className?: string }) {
  return (
    <Select
      label="Theme"
      value={useThemeChoice()}
      options={THEME_CHOICES}
      onChange={chooseTheme}
      className={`py-1 ${className}`}
    />
  );
}
