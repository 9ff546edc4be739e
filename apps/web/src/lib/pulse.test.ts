import { describe, expect, it } from 'vitest';
import {
  anonymityNote,
  answerInWords,
  checkinProgress,
  choicesOf,
  isLinkToken,
  lastShownWeekBefore,
  linkScore,
  neededAnswers,
  scoresOf,
  weekName,
} from './pulse';

describe('choicesOf', () => {
  it('offers agreement from "Strongly disagree" at 1 to "Strongly agree" at 5', () => {
    expect(choicesOf('agree5').map((choice) => [choice.score, choice.label])).toEqual([
      [1, 'Strongly disagree'],
      [2, 'Disagree'],
      [3, 'Neutral'],
      [4, 'Agree'],
      [5, 'Strongly agree'],
    ]);
  });

  it('offers likelihood as the numbers 0 to 10, saying what the ends mean', () => {
    const choices = choicesOf('likely10');
    expect(choices.map((choice) => choice.label)).toEqual(scoresOf('likely10').map(String));
    expect(choices[0]?.spoken).toBe('0 out of 10 (Not likely)');
    expect(choices[10]?.spoken).toBe('10 out of 10 (Very likely)');
  });

  it('names every choice with its visible label in it', () => {
    for (const scale of ['agree5', 'likely10'] as const) {
      for (const choice of choicesOf(scale)) expect(choice.spoken).toContain(choice.label);
    }
  });
});

describe('answerInWords', () => {
  it('says the answer and where it sits on the scale', () => {
    expect(answerInWords('agree5', 4)).toBe('Agree (4 of 5)');
    expect(answerInWords('likely10', 7)).toBe('7 out of 10');
  });
});

describe('checkinProgress', () => {
  it('counts through several check-ins', () => {
    expect(checkinProgress(0, 3)).toBe('1 of 3');
    expect(checkinProgress(1, 2)).toBe('2 of 3');
    expect(checkinProgress(2, 1)).toBe('3 of 3');
  });

  it('says nothing for a single one, or once all are answered', () => {
    expect(checkinProgress(0, 1)).toBeNull();
    expect(checkinProgress(3, 0)).toBeNull();
  });
});

describe('weekName', () => {
  it('reads an ISO week', () => {
    expect(weekName('2026-W49')).toBe('Week 49, 2026');
    expect(weekName('2027-W01')).toBe('Week 1, 2027');
  });
});

describe('neededAnswers', () => {
  it('says how many more answers a hidden group needs', () => {
    expect(neededAnswers(2)).toBe('needs 2 more answers');
    expect(neededAnswers(1)).toBe('needs 1 more answer');
  });
});

describe('linkScore', () => {
  it('reads the whole numbers of the scales', () => {
    expect(linkScore('0')).toBe(0);
    expect(linkScore('10')).toBe(10);
  });

  it('refuses anything else', () => {
    for (const value of [null, '', '11', '-1', '2.5', '1e1', ' 3', 'four', '007']) {
      expect(linkScore(value)).toBeNull();
    }
  });
});

describe('isLinkToken', () => {
  it('accepts the shape of a one-tap token only', () => {
    expect(isLinkToken('a'.repeat(43))).toBe(true);
    expect(isLinkToken('short')).toBe(false);
    expect(isLinkToken(`${'a'.repeat(40)}/..`)).toBe(false);
  });
});

describe('lastShownWeekBefore', () => {
  const shown = (mean: number) => ({
    suppressed: false as const,
    responses: 6,
    mean,
    distribution: [0, 0, 6, 0, 0],
  });
  const hidden = { suppressed: true as const, needed: 2 };
  const trend = [
    { week: '2026-W46', result: shown(3.1) },
    { week: '2026-W47', result: shown(3.4) },
    { week: '2026-W48', result: hidden },
    { week: '2026-W49', result: hidden },
  ];

  it('finds the latest earlier week with answers to show, skipping hidden ones', () => {
    expect(lastShownWeekBefore(trend, '2026-W49')).toEqual({ week: '2026-W47', result: shown(3.4) });
  });

  it('never offers the round itself or a later week', () => {
    expect(lastShownWeekBefore(trend, '2026-W47')).toEqual({ week: '2026-W46', result: shown(3.1) });
    expect(lastShownWeekBefore(trend, '2026-W46')).toBeUndefined();
  });
});

describe('anonymityNote', () => {
  it("tells members their organization's threshold", () => {
    expect(anonymityNote(7)).toBe(
      'Your answer is stored without your name, and results only ever show groups of at least 7 people.',
    );
  });
});
