import type { PulseQuestionResults, PulseScale } from '@pulsestage/contracts';
import { PULSE_SCALE_RANGE } from '@pulsestage/contracts/limits';
import { t } from 'i18next';

/** The words at the ends of the likelihood scale, 0 and 10. */
export const likelihoodEnds = () => ({ lowest: t('pulse.notLikely'), highest: t('pulse.veryLikely') });

/** A scale's name: "Agreement, 1–5". */
export const scaleName = (scale: PulseScale) => t(`pulse.scales.${scale}`);

const AGREEMENT = ['stronglyDisagree', 'disagree', 'neutral', 'agree', 'stronglyAgree'] as const;

/** A score of the agreement scale in words: 4 is "Agree". */
const agreementLabel = (score: number) => {
  const word = AGREEMENT[score - 1];
  return word ? t(`pulse.agreement.${word}`) : String(score);
};

export interface ScoreChoice {
  score: number;
  /** What the choice says on its own: "Agree", or the number on the likelihood scale. */
  label: string;
  /** The choice in words for those who do not see the scale: "4: Agree", "7 out of 10". */
  spoken: string;
}

/** Every score of `scale`, lowest first. */
export function scoresOf(scale: PulseScale): number[] {
  const [lowest, highest] = PULSE_SCALE_RANGE[scale];
  return Array.from({ length: highest - lowest + 1 }, (_, index) => lowest + index);
}

/** The choices a check-in offers, lowest first. */
export function choicesOf(scale: PulseScale): ScoreChoice[] {
  return scoresOf(scale).map((score) => ({
    score,
    label: scale === 'agree5' ? agreementLabel(score) : String(score),
    spoken: answerInWords(scale, score),
  }));
}

/** An answer as a sentence would say it: "Agree (4 of 5)", "7 out of 10". */
export function answerInWords(scale: PulseScale, score: number): string {
  if (scale === 'agree5') return t('pulse.agreeScore', { label: agreementLabel(score), score });
  const ends = likelihoodEnds();
  const end = score === 0 ? ends.lowest : score === 10 ? ends.highest : null;
  return end === null ? t('pulse.likelyScore', { score }) : t('pulse.likelyEnd', { score, end });
}

/** "1 of 3" while several check-ins wait; nothing for a single one. */
export function checkinProgress(answered: number, waiting: number): string | null {
  const total = answered + waiting;
  return total > 1 && waiting > 0 ? t('pulse.progress', { current: answered + 1, total }) : null;
}

/** `2026-W49` → "Week 49, 2026". */
export function weekName(isoWeek: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(isoWeek);
  return match ? t('pulse.week', { week: Number(match[2]), year: match[1] }) : isoWeek;
}

/** What a hidden group is still missing, in words: "needs 2 more answers". */
export const neededAnswers = (needed: number) => t('pulse.needs', { count: needed });

/** The score of a one-tap link's `?score=`, or null when it is not a whole number of any scale. */
export function linkScore(value: string | null): number | null {
  if (value === null || !/^\d{1,2}$/.test(value)) return null;
  const score = Number(value);
  return score <= 10 ? score : null;
}

/** The shape of a one-tap link's token (`/pulse/r/<token>`), checked before anything is sent. */
export const isLinkToken = (token: string) => /^[A-Za-z0-9_-]{20,128}$/.test(token);

type WeekResult = PulseQuestionResults['trend'][number];
type ShownWeek = WeekResult & { result: Extract<WeekResult['result'], { suppressed: false }> };

/**
 * The latest week before `week` whose answers are shown: what the dashboard offers while the current
 * round has too few answers yet (a week that just started), so a question never looks empty.
 */
export function lastShownWeekBefore(trend: readonly WeekResult[], week: string): ShownWeek | undefined {
  return trend.findLast((entry): entry is ShownWeek => entry.week < week && !entry.result.suppressed);
}

/** What a member is told about their answer's anonymity, with their organization's threshold. */
export const anonymityNote = (threshold: number) => t('pulse.anonymity', { count: threshold });
