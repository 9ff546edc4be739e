import { describe, expect, it } from 'vitest';
import { OnePerKey } from './one-per-key.js';

interface Resource {
  key: string;
  serial: number;
}

function counting() {
  let opened = 0;
  const resources = new OnePerKey<Resource>(async (key) => {
    opened += 1;
    return { key, serial: opened };
  });
  return { resources, opened: () => opened };
}

const itself = (resource: Resource) => resource;

describe('OnePerKey', () => {
  it('opens a key once for callers that ask at the same time, and each key apart', async () => {
    const { resources, opened } = counting();
    const [a, b, other] = await Promise.all([
      resources.acquire('t1', itself),
      resources.acquire('t1', itself),
      resources.acquire('t2', itself),
    ]);
    expect(a).toBe(b);
    expect(other).not.toBe(a);
    expect(opened()).toBe(2);
    expect([...resources.keys()]).toEqual(['t1', 't2']);
    expect(await resources.acquire('t1', itself)).toBe(a);
    expect(opened()).toBe(2);
  });

  it('opens a fresh one for a caller whose resource was closed while it waited', async () => {
    const { resources, opened } = counting();
    const first = resources.acquire('t1', (resource) => {
      resources.close('t1', resource);
      return resource;
    });
    const second = resources.acquire('t1', itself);
    const [closed, live] = await Promise.all([first, second]);
    expect(live).not.toBe(closed);
    expect(resources.get('t1')).toBe(live);
    expect(opened()).toBe(2);
  });

  it('closes only the live resource of a key', async () => {
    const { resources } = counting();
    const old = await resources.acquire('t1', itself);
    expect(resources.close('t1', old)).toBe(true);
    const fresh = await resources.acquire('t1', itself);
    expect(resources.close('t1', old)).toBe(false);
    expect(resources.get('t1')).toBe(fresh);
  });

  it('keeps no failed opening: the next caller tries again', async () => {
    let attempts = 0;
    const resources = new OnePerKey<number>(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database unavailable');
      return attempts;
    });
    await expect(resources.acquire('t1', (value) => value)).rejects.toThrow('database unavailable');
    expect(await resources.acquire('t1', (value) => value)).toBe(2);
  });
});
