import { sleep } from '@pulsestage/test-harness/poll';

/** Polls `probe` every 20 ms until it returns a value; undefined once `timeoutMs` has passed. */
export async function poll<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() >= deadline) return value;
    await sleep(20);
  }
}
