import { describe, expect, it } from 'vitest';
import { retryDeadlocks } from './deadlocks.js';

const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });

/** A transaction that fails with each of `failures` in turn, then commits. */
function failingFirst(failures: unknown[]) {
  let runs = 0;
  const run = async () => {
    const failure = failures[runs];
    runs += 1;
    if (failure) throw failure;
    return 'committed';
  };
  return { run, runs: () => runs };
}

describe('a transaction PostgreSQL failed to break a deadlock', () => {
  it('runs again, and the caller gets its result', async () => {
    const transaction = failingFirst([deadlock, deadlock]);
    await expect(retryDeadlocks(transaction.run)).resolves.toBe('committed');
    expect(transaction.runs()).toBe(3);
  });

  it('gives the deadlock to the caller after the last attempt', async () => {
    const transaction = failingFirst([deadlock, deadlock, deadlock]);
    await expect(retryDeadlocks(transaction.run)).rejects.toBe(deadlock);
    expect(transaction.runs()).toBe(3);
  });

  it('never runs again after any other failure', async () => {
    const refused = Object.assign(new Error('unique violation'), { code: '23505' });
    const transaction = failingFirst([refused]);
    await expect(retryDeadlocks(transaction.run)).rejects.toBe(refused);
    expect(transaction.runs()).toBe(1);
  });
});
