/** PostgreSQL's `deadlock_detected`: it broke a lock cycle by failing this transaction. */
const DEADLOCK_DETECTED = '40P01';
const DEFAULT_ATTEMPTS = 3;

export function isDeadlock(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DEADLOCK_DETECTED
  );
}

/**
 * Runs a transaction again when PostgreSQL failed it to break a deadlock: it was rolled back whole, and
 * the other side of the cycle holds its locks no longer. Any other error, or a deadlock on the last
 * attempt, goes to the caller.
 */
export async function retryDeadlocks<T>(run: () => Promise<T>, attempts = DEFAULT_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
    }
  }
}
