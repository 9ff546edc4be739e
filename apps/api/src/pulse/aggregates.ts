import { PULSE_SCALE_RANGE, type PulseGroupResult, type PulseScale } from '@pulsestage/contracts';

/** How many answers gave each score, by score. */
export type ScoreCounts = ReadonlyMap<number, number>;

/** The scores of a scale, lowest first. */
export function scoresOf(scale: PulseScale): number[] {
  const [lowest, highest] = PULSE_SCALE_RANGE[scale];
  return Array.from({ length: highest - lowest + 1 }, (_, index) => lowest + index);
}

export function answersIn(counts: ScoreCounts): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

/** The counts of several groups added up. */
export function combineCounts(groups: Iterable<ScoreCounts>): Map<number, number> {
  const combined = new Map<number, number>();
  for (const counts of groups) {
    for (const [score, count] of counts) combined.set(score, (combined.get(score) ?? 0) + count);
  }
  return combined;
}

export const suppressed = (needed: number): PulseGroupResult => ({
  suppressed: true,
  needed: Math.max(1, needed),
});

/**
 * A group's result from how many gave each score: shown when at least `threshold` answered, else only
 * how many more answers it needs. The mean is rounded to two decimals.
 */
export function groupResult(counts: ScoreCounts, scale: PulseScale, threshold: number): PulseGroupResult {
  const responses = answersIn(counts);
  if (responses < threshold) return suppressed(threshold - responses);
  const scores = scoresOf(scale);
  const distribution = scores.map((score) => counts.get(score) ?? 0);
  const sum = scores.reduce((total, score, index) => total + score * (distribution[index] ?? 0), 0);
  return { suppressed: false, responses, mean: Math.round((sum / responses) * 100) / 100, distribution };
}

/** A group of one kind (a team, a cohort) of a round, with the answers it got. */
export interface RoundGroup<Key> {
  key: Key;
  counts: ScoreCounts;
  /** False for answers the breakdown cannot list (those without a team): never shown, always hidden. */
  listed: boolean;
}

/**
 * The result of each listed group of one kind, with complementary suppression: the groups shown,
 * subtracted from the overall, give the answers of the hidden groups taken together. So while those
 * hidden answers number more than none but fewer than the threshold (one small team alone, say), the
 * smallest shown group is hidden too, until they reach it. A group hidden only for this needs as many
 * answers as the hidden ones lacked without it.
 */
export function groupResultsOf<Key>(
  groups: readonly RoundGroup<Key>[],
  scale: PulseScale,
  threshold: number,
): { key: Key; result: PulseGroupResult }[] {
  const entries = groups.map((group) => ({
    group,
    answers: answersIn(group.counts),
    result: groupResult(group.counts, scale, threshold),
  }));
  const isShown = (entry: (typeof entries)[number]) => entry.group.listed && !entry.result.suppressed;
  let hiddenAnswers = entries
    .filter((entry) => !isShown(entry))
    .reduce((sum, entry) => sum + entry.answers, 0);
  while (hiddenAnswers > 0 && hiddenAnswers < threshold) {
    const [smallestShown] = entries.filter(isShown).sort((a, b) => a.answers - b.answers);
    if (!smallestShown) break;
    smallestShown.result = suppressed(threshold - hiddenAnswers);
    hiddenAnswers += smallestShown.answers;
  }
  return entries
    .filter((entry) => entry.group.listed)
    .map(({ group, result }) => ({ key: group.key, result }));
}
