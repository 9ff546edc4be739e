import type { PulseGroupResult } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import {
  describeGroup,
  describeTrend,
  distributionBars,
  formatMean,
  formatPercent,
  meanPosition,
  trendLine,
} from './pulse-figures';

const shown = (mean: number, responses: number): PulseGroupResult => ({
  suppressed: false,
  mean,
  responses,
  distribution: [],
});
const hidden = (needed: number): PulseGroupResult => ({ suppressed: true, needed });

describe('formatMean and formatPercent', () => {
  it('round to one decimal and to whole percent', () => {
    expect(formatMean(3.75)).toBe('3.8');
    expect(formatMean(4)).toBe('4.0');
    expect(formatPercent(2 / 3)).toBe('67%');
  });
});

describe('meanPosition', () => {
  it('places a mean between the ends of its scale', () => {
    expect(meanPosition('agree5', 1)).toBe(0);
    expect(meanPosition('agree5', 3)).toBe(50);
    expect(meanPosition('likely10', 7.5)).toBe(75);
  });
});

describe('distributionBars', () => {
  it('gives every score its count and share, lowest first', () => {
    expect(distributionBars('agree5', [0, 1, 0, 2, 1])).toEqual([
      { label: 'Strongly disagree', count: 0, percent: 0 },
      { label: 'Disagree', count: 1, percent: 25 },
      { label: 'Neutral', count: 0, percent: 0 },
      { label: 'Agree', count: 2, percent: 50 },
      { label: 'Strongly agree', count: 1, percent: 25 },
    ]);
  });

  it('has a bar for each of the eleven likelihood scores', () => {
    const bars = distributionBars('likely10', [0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]);
    expect(bars.map((bar) => bar.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(bars[9]).toEqual({ label: '9', count: 3, percent: 100 });
  });
});

describe('describeGroup', () => {
  it('says the mean and the number of answers, or what a hidden group needs', () => {
    expect(describeGroup(shown(3.84, 12))).toBe('3.8 from 12 answers');
    expect(describeGroup(hidden(2))).toBe('Not shown: needs 2 more answers');
  });
});

describe('trendLine', () => {
  it('leaves a gap for a week that is not shown', () => {
    const trend = [
      { week: '2026-W47', result: shown(3.84, 8) },
      { week: '2026-W48', result: hidden(1) },
      { week: '2026-W49', result: shown(4.1, 9) },
    ];
    expect(trendLine(trend)).toEqual({ labels: ['W47', 'W48', 'W49'], means: [3.8, null, 4.1] });
  });
});

describe('describeTrend', () => {
  it('reads every week, the hidden ones included', () => {
    const trend = [
      { week: '2026-W48', result: hidden(1) },
      { week: '2026-W49', result: shown(4.1, 9) },
    ];
    expect(describeTrend('agree5', trend)).toBe(
      'Mean answer by week, on a scale from 1 to 5. Week 48, 2026: Not shown: needs 1 more answer; Week 49, 2026: 4.1 from 9 answers.',
    );
  });

  it('says when there is nothing to show', () => {
    expect(describeTrend('likely10', [])).toBe('No weeks to show yet.');
  });
});
