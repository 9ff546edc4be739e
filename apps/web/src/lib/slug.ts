/** The longest address the server accepts for an organization. */
const SLUG_MAX = 48;

/**
 * An organization's address made from its name, the way the server accepts it: lowercase letters
 * and digits, words joined by single dashes ("Spring Town Hall 2026" → "spring-town-hall-2026").
 */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX)
    .replace(/^-+|-+$/g, '');
}
