import { describe, expect, it } from 'vitest';
import { slugFromName } from './slug';

describe('slugFromName', () => {
  it('joins the words of a name with dashes, in lowercase', () => {
    expect(slugFromName('Spring Town Hall 2026')).toBe('spring-town-hall-2026');
    expect(slugFromName('  R&D — All hands!  ')).toBe('r-d-all-hands');
  });

  it('drops accents and anything the address cannot hold', () => {
    expect(slugFromName('Équipe Café Zürich')).toBe('equipe-cafe-zurich');
    expect(slugFromName('🎉')).toBe('');
  });

  it('stays within the 48 characters an address may have, without a trailing dash', () => {
    const slug = slugFromName(`${'a'.repeat(47)} b`);
    expect(slug).toBe('a'.repeat(47));
  });
});
