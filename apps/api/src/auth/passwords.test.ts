import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { BoundedConcurrency } from './bounded-concurrency.js';
import {
  busyHashing,
  DECOY_HASH,
  hashingSlots,
  hashPassword,
  passwordHashing,
  verifyAgainstDecoy,
} from './passwords.js';

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

const gate = (concurrency: number, maxWaiting: number, maxWaitMs = 60_000) =>
  new BoundedConcurrency({ concurrency, maxWaiting, maxWaitMs, refusal: () => new Busy('busy') });

describe('bounded concurrency', () => {
  it('runs at most its limit at once, queues a bounded number in order, and refuses the rest at once', async () => {
    const slots = gate(2, 3);
    const tasks = Array.from({ length: 5 }, controlled);
    const results = tasks.map(({ task }) => slots.run(task));
    await settled();
    expect(tasks.map(({ started }) => started.value)).toEqual([true, true, false, false, false]);
    expect([slots.active, slots.queued]).toEqual([2, 3]);

    await expect(slots.run(async () => 'too many')).rejects.toBeInstanceOf(Busy);

    tasks[1]?.finish('second');
    await expect(results[1]).resolves.toBe('second');
    await settled();
    expect(tasks.map(({ started }) => started.value)).toEqual([true, true, true, false, false]);
    expect([slots.active, slots.queued]).toEqual([2, 2]);

    tasks[0]?.fail(new Error('broken'));
    await expect(results[0]).rejects.toThrow('broken');
    await settled();
    expect(tasks[3]?.started.value).toBe(true);
    expect([slots.active, slots.queued]).toEqual([2, 1]);

    for (const [index, task] of tasks.entries()) task.finish(`task ${index}`);
    await Promise.allSettled(results);
    await settled();
    expect(tasks.every(({ started }) => started.value)).toBe(true);
    expect([slots.active, slots.queued]).toEqual([0, 0]);
    await expect(slots.run(async () => 'room again')).resolves.toBe('room again');
  });

  it('refuses a task that waited too long without starting it, and keeps the order of the others', async () => {
    const slots = gate(1, 10, 50);
    const blocker = controlled();
    const running = slots.run(blocker.task);
    const late = controlled();
    await expect(slots.run(late.task)).rejects.toBeInstanceOf(Busy);
    expect(late.started.value).toBe(false);
    expect(slots.queued).toBe(0);
    const next = controlled();
    const queued = slots.run(next.task);
    blocker.finish('done');
    await running;
    await settled();
    expect(next.started.value).toBe(true);
    next.finish('next');
    await expect(queued).resolves.toBe('next');
    expect([slots.active, slots.queued]).toEqual([0, 0]);
  });

  it('refuses nonsense limits', () => {
    expect(() => gate(0, 1)).toThrow(/concurrency/);
    expect(() => gate(1, -1)).toThrow(/maxWaiting/);
    expect(() => gate(1, 1, Number.NaN)).toThrow(/maxWaitMs/);
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

const hashingGate = (maxWaiting: number, maxWaitMs = 60_000) =>
  new BoundedConcurrency({ concurrency: 2, maxWaiting, maxWaitMs, refusal: busyHashing });

describe('password hashing', () => {
  it('takes at most half of the thread pool, and lets a sign-in wait its turn up to half a minute', () => {
    expect(hashingSlots.options.concurrency).toBeLessThanOrEqual(2);
    expect(hashingSlots.options.maxWaitMs).toBe(30_000);
  });

  it('hashes two at a time and refuses quickly, with a message a person understands, when too many wait', async () => {
    const slots = hashingGate(8);
    const { hashPassword, verifyPassword } = passwordHashing(slots);
    const stored = await hashPassword('the right one');
    const room = 2 + 8;
    const extra = 4;
    let mostAtOnce = 0;
    const sampler = setInterval(() => {
      mostAtOnce = Math.max(mostAtOnce, slots.active);
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
    expect(mostAtOnce).toBe(2);
    expect([slots.active, slots.queued]).toEqual([0, 0]);
  }, 60_000);

  it('refuses a sign-in that could not start hashing in time', async () => {
    const slots = hashingGate(100, 1);
    const { hashPassword, verifyPassword } = passwordHashing(slots);
    const stored = await hashPassword('filler');
    const checks = Array.from({ length: 6 }, () => busyRefusal(verifyPassword(stored, 'filler')));
    const outcomes = await Promise.all(checks);
    expect(outcomes.slice(0, 2)).toEqual([undefined, undefined]);
    expect(outcomes.slice(2).map((refusal) => refusal?.code)).toEqual(Array(4).fill('TOO_MANY_REQUESTS'));
  }, 60_000);

  it('checks unknown emails against a decoy made with the cost real hashes use', async () => {
    const fresh = await hashPassword('any password');
    const parameters = (stored: string) => stored.split('$').slice(0, 4);
    expect(parameters(DECOY_HASH)).toEqual(parameters(fresh));
    expect(Buffer.from(DECOY_HASH.split('$')[5] ?? '', 'base64')).toHaveLength(32);
    await expect(verifyAgainstDecoy('decoy password that never matches')).resolves.toBe(false);
  }, 60_000);
});
