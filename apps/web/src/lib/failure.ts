import { useEffect, useState } from 'react';
import { errorMessage, type FieldLabels, isUnreachable } from './errors';

/** What a mutation (or anything tried) says about its last attempt, as TanStack Query reports it. */
export interface Attempt {
  status: 'idle' | 'pending' | 'success' | 'error';
  error: unknown;
  /** When it was last tried (ms since the epoch); 0 when never. */
  submittedAt: number;
}

const PROBE_INTERVAL_MS = 2000;

/**
 * Whether PulseStage answered again after a network failure at `failedAt` (null: none to recover
 * from). Until it has, its health check is asked every couple of seconds.
 */
function useReachableSince(failedAt: number | null): boolean {
  const [answeredAt, setAnsweredAt] = useState(0);
  const back = failedAt !== null && answeredAt > failedAt;
  useEffect(() => {
    if (failedAt === null || back) return;
    const probe = async () => {
      const answered = await fetch('/healthz', { cache: 'no-store' }).then(
        (response) => response.ok,
        () => false,
      );
      if (answered) setAnsweredAt(Date.now());
    };
    const timer = setInterval(() => void probe(), PROBE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [failedAt, back]);
  return back;
}

/**
 * The failure of the newest of `attempts`, in plain words, while it still applies: the next success
 * clears it, and so does the connection coming back after a network failure.
 */
export function useFailureNotice(attempts: readonly Attempt[], labels?: FieldLabels): string | null {
  const latest = attempts.reduce<Attempt | undefined>(
    (newest, attempt) => (!newest || attempt.submittedAt > newest.submittedAt ? attempt : newest),
    undefined,
  );
  const failed = latest?.status === 'error' ? latest : undefined;
  const unreachable = failed !== undefined && isUnreachable(failed.error);
  const back = useReachableSince(unreachable ? failed.submittedAt : null);
  if (!failed || back) return null;
  return errorMessage(failed.error, labels);
}
