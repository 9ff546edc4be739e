import { describe, expect, it } from 'vitest';
import { serialized } from './serial.js';

describe('serialized', () => {
  it('never overlaps runs and turns a burst of requests into one extra run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: () => void = () => {};
    const run = serialized(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      runs += 1;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      active -= 1;
    });

    run();
    run();
    run();
    run();
    expect(runs).toBe(1);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(2);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);

    run();
    expect(runs).toBe(3);
    release();
  });
});
