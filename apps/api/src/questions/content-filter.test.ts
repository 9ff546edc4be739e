import { describe, expect, it } from 'vitest';
import { containsProfanity, containsRestrictedWord } from './content-filter.js';

describe('containsProfanity', () => {
  it('finds common profanity and its usual disguises', () => {
    for (const text of ['Is this shit ready?', 'What the FUCK happened?', 'sh1t happens', 'fuuuuck this']) {
      expect(containsProfanity(text), text).toBe(true);
    }
  });

  it('leaves ordinary questions alone, words that merely contain a bad one included', () => {
    for (const text of [
      'When does Scunthorpe open?',
      'Can I assume the class runs?',
      'Who is the assistant?',
    ]) {
      expect(containsProfanity(text), text).toBe(false);
    }
  });

  it('reads numbers on their own as numbers, not as l33t words, while digits among letters still count', () => {
    for (const text of [
      'Will flight 455 leave on time?',
      'Is room 717 free?',
      'Ticket 80085 is still open',
    ]) {
      expect(containsProfanity(text), text).toBe(false);
    }
    for (const text of ['5h1t happens', 'Who wrote this fuck123?', 'b00bs']) {
      expect(containsProfanity(text), text).toBe(true);
    }
  });
});

describe('containsRestrictedWord', () => {
  const words = ['moonshot', 'Project Falcon', 'C++', 'café'];

  it('matches whole words and phrases in any case, spacing or Unicode composition', () => {
    for (const text of [
      'Is the MOONSHOT real?',
      'project\n  falcon next?',
      'Why C++?',
      'The Cafe\u0301 hours',
    ]) {
      expect(containsRestrictedWord(text, words), text).toBe(true);
    }
  });

  it('does not match inside longer words, nor when the list is empty', () => {
    for (const text of ['Any moonshots?', 'Project Falconry', 'Why C+?', 'The cafeteria']) {
      expect(containsRestrictedWord(text, words), text).toBe(false);
    }
    expect(containsRestrictedWord('moonshot', [])).toBe(false);
  });
});
