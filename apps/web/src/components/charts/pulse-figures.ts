import type { PulseGroupResult, PulseQuestionResults, PulseScale } from '@pulsestage/contracts';
import { PULSE_SCALE_RANGE } from '@pulsestage/contracts/limits';
import { t } from 'i18next';
import { activeLocale } from '../../i18n/catalogs';
import { choicesOf, neededAnswers, weekName } from '../../lib/pulse';

/** Numbers and words of the pulse dashboard, kept apart from the drawing so they can be checked. */

type Trend = PulseQuestionResults['trend'];

/** A mean to one decimal: "3.8" (in English). */
export const formatMean = (mean: number) =>
  new Intl.NumberFormat(activeLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(mean);

/** A share of 0–1 in whole percent: "67%" (in English). */
export const formatPercent = (share: number) =>
  new Intl.NumberFormat(activeLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(share);

/** Where a mean sits between the scale's lowest and highest score, 0–100, for a bar's length. */
export function meanPosition(scale: PulseScale, mean: number): number {
  const [lowest, highest] = PULSE_SCALE_RANGE[scale];
  return Math.min(100, Math.max(0, ((mean - lowest) / (highest - lowest)) * 100));
}

export interface DistributionBar {
  label: string;
  count: number;
  /** Its share of the answers, in whole percent. */
  percent: number;
}

/** One bar per score, lowest first, each with its count and share of the answers. */
export function distributionBars(scale: PulseScale, distribution: readonly number[]): DistributionBar[] {
  const total = distribution.reduce((sum, count) => sum + count, 0);
  return choicesOf(scale).map((choice, index) => {
    const count = distribution[index] ?? 0;
    return { label: choice.label, count, percent: total === 0 ? 0 : Math.round((count / total) * 100) };
  });
}

/** A group's result in a few words: "3.8 from 12 answers", or what it still needs. */
export function describeGroup(result: PulseGroupResult): string {
  if (result.suppressed) return t('pulse.notShown', { needs: neededAnswers(result.needed) });
  return t('pulse.meanFrom', { mean: formatMean(result.mean), count: result.responses });
}

/** `2026-W49` → "W49", short enough for a chart's axis. */
export const shortWeek = (isoWeek: string) => isoWeek.slice(5);

/** The trend as a line: a label per week and its mean, null (a gap) where the week is not shown. */
export function trendLine(trend: Trend): { labels: string[]; means: (number | null)[] } {
  return {
    labels: trend.map((entry) => shortWeek(entry.week)),
    means: trend.map((entry) => (entry.result.suppressed ? null : Math.round(entry.result.mean * 10) / 10)),
  };
}

/** The trend in one sentence, for those who do not see the chart. */
export function describeTrend(scale: PulseScale, trend: Trend): string {
  if (trend.length === 0) return t('pulse.noWeeks');
  const [lowest, highest] = PULSE_SCALE_RANGE[scale];
  const weeks = trend.map((entry) => `${weekName(entry.week)}: ${describeGroup(entry.result)}`);
  return t('pulse.trend', { lowest, highest, weeks: weeks.join('; ') });
}
