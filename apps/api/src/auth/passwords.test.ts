import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { BoundedConcurrency } from './bounded-concurrency.js';
import { hashingSlots, hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.js';

/** A task the test finishes when it chooses, even before it has started. */
function controlled() {
  const started = { value: false };
  let finish: (value: string) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const outcome = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const task = () => {
    started.value = true;
    return outcome;
  };
  return { task, started, finish: (value: string) => finish(value), fail: (error: Error) => fail(error) };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

class Busy extends Error {}

describe('bounded concurrency', () => {
  it('runs at most its limit at once, queues a bounded number in order, and refuses the rest at once', async () => {
    const gate = new BoundedConcurrency(2, 3, () => new Busy('busy'));
    const tasks = Array.from({ length: 5 }, controlled);
    const results = tasks.map(({ task }) => gate.run(task));
    await settled();
    expect(tasks.map(({ started }) => started.value)).toEqual([true, true, false, false, false]);
    expect([gate.active, gate.queued]).toEqual([2, 3]);

    await expect(gate.run(async () => 'too many')).rejects.toBeInstanceOf(Busy);

    tasks[1]?.finish('second');
    await expect(results[1]).resolves.toBe('second');
    await settled();
    expect(tasks.map(({ started }) => started.value)).toEqual([true, true, true, false, false]);
    expect([gate.active, gate.queued]).toEqual([2, 2]);

    tasks[0]?.fail(new Error('broken'));
    await expect(results[0]).rejects.toThrow('broken');
    await settled();
    expect(tasks[3]?.started.value).toBe(true);
    expect([gate.active, gate.queued]).toEqual([2, 1]);

    for (const [index, task] of tasks.entries()) task.finish(`task ${index}`);
    await Promise.allSettled(results);
    await settled();
    expect(tasks.every(({ started }) => started.value)).toBe(true);
    expect([gate.active, gate.queued]).toEqual([0, 0]);
    await expect(gate.run(async () => 'room again')).resolves.toBe('room again');
  });

  it('refuses nonsense limits', () => {
    expect(() => new BoundedConcurrency(0, 1, () => new Busy())).toThrow(/concurrency/);
    expect(() => new BoundedConcurrency(1, -1, () => new Busy())).toThrow(/maxWaiting/);
  });
});

/** The TOO_MANY_REQUESTS refusal of a call, or undefined when it succeeded. */
async function busyRefusal(call: Promise<unknown>): Promise<DomainError | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'TOO_MANY_REQUESTS') return error;
    throw error;
  }
}

describe('password hashing', () => {
  const room = hashingSlots.concurrency + hashingSlots.maxWaiting;

  it('uses at most half of the thread pool and refuses quickly, with a message a person understands, when too many wait', async () => {
    expect(hashingSlots.concurrency).toBeLessThanOrEqual(2);
    const stored = await hashPassword('the right one');
    const extra = 6;
    let mostAtOnce = 0;
    const sampler = setInterval(() => {
      mostAtOnce = Math.max(mostAtOnce, hashingSlots.active);
    }, 1);
    const checks = Array.from({ length: room + extra }, (_, index) =>
      verifyPassword(stored, index % 2 === 0 ? 'the right one' : 'a wrong one'),
    );
    const refusals = await Promise.all(checks.slice(room).map(busyRefusal));
    expect(refusals).toHaveLength(extra);
    for (const refusal of refusals) {
      expect(refusal?.message).toBe('PulseStage is busy: try again in a few seconds');
      expect(refusal?.retryAfterSeconds).toBeGreaterThan(0);
    }
    const answers = await Promise.all(checks.slice(0, room));
    clearInterval(sampler);
    expect(answers).toEqual(Array.from({ length: room }, (_, index) => index % 2 === 0));
    expect(mostAtOnce).toBeLessThanOrEqual(hashingSlots.concurrency);
    expect([hashingSlots.active, hashingSlots.queued]).toEqual([0, 0]);
  }, 60_000);

  it('makes the sign-in decoy again after a refusal instead of refusing every unknown email from then on', async () => {
    const stored = await hashPassword('filler');
    const filling = Array.from({ length: room }, () => verifyPassword(stored, 'filler'));
    expect(await busyRefusal(verifyAgainstDecoy('a guess'))).toBeInstanceOf(DomainError);
    await Promise.all(filling);
    await expect(verifyAgainstDecoy('a guess')).resolves.toBe(false);
  }, 60_000);
});
