import type { PulseQuestionResults, PulseScale } from '@pulsestage/contracts';
import { PULSE_AGREEMENT_LABELS, PULSE_SCALE_RANGE } from '@pulsestage/contracts/limits';

/** The words at the ends of the likelihood scale, 0 and 10. */
export const LIKELIHOOD_ENDS = { lowest: 'Not likely', highest: 'Very likely' } as const;

export const SCALE_NAMES: Record<PulseScale, string> = {
  agree5: 'Agreement, 1–5',
  likely10: 'Likelihood, 0–10',
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
    label: scale === 'agree5' ? (PULSE_AGREEMENT_LABELS[score - 1] ?? String(score)) : String(score),
    spoken: answerInWords(scale, score),
  }));
}

/** An answer as a sentence would say it: "Agree (4 of 5)", "7 out of 10". */
export function answerInWords(scale: PulseScale, score: number): string {
  if (scale === 'agree5') return `${PULSE_AGREEMENT_LABELS[score - 1] ?? score} (${score} of 5)`;
  const end =
    score === 0 ? ` (${LIKELIHOOD_ENDS.lowest})` : score === 10 ? ` (${LIKELIHOOD_ENDS.highest})` : '';
  return `${score} out of 10${end}`;
}

/** "1 of 3" while several check-ins wait; nothing for a single one. */
export function checkinProgress(answered: number, waiting: number): string | null {
  const total = answered + waiting;
  return total > 1 && waiting > 0 ? `${answered + 1} of ${total}` : null;
}

/** `2026-W49` → "Week 49, 2026". */
export function weekName(isoWeek: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(isoWeek);
  return match ? `Week ${Number(match[2])}, ${match[1]}` : isoWeek;
}

/** What a hidden group is still missing, in words: "needs 2 more answers". */
export const neededAnswers = (needed: number) => `needs ${needed} more answer${needed === 1 ? '' : 's'}`;

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
export const anonymityNote = (threshold: number) =>
  `Your answer is stored without your name, and results only ever show groups of at least ${threshold} people.`;
