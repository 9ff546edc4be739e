import { describe, expect, it, vi } from 'vitest';
import { GroupCommit, type GroupCommitOptions, type Outcome } from './group-commit.js';

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Doubles every item; an item named `bad…` is refused on its own. */
const double = (item: string): Outcome<string> =>
  item.startsWith('bad')
    ? { ok: false, error: new Error(`${item} refused`) }
    : { ok: true, value: item + item };

/**
 * A GroupCommit that records each group it commits per key. A commit of key `k` waits for
 * `gates[k]` when one is set, so a test can hold a group while others arrive.
 */
function recordingCommit(options: Partial<GroupCommitOptions<string, string>> = {}) {
  const groups: { key: string; items: string[] }[] = [];
  const gates = new Map<string, Promise<void>>();
  const running = new Map<string, number>();
  let overlaps = 0;
  const groupCommit = new GroupCommit<string, string>({
    maxGroupSize: 256,
    commit: async (key, items) => {
      groups.push({ key, items: [...items] });
      running.set(key, (running.get(key) ?? 0) + 1);
      if ((running.get(key) ?? 0) > 1) overlaps += 1;
      await gates.get(key);
      running.set(key, (running.get(key) ?? 0) - 1);
      return items.map(double);
    },
    afterCommit: async () => {},
    ...options,
  });
  return { groupCommit, groups, gates, overlaps: () => overlaps };
}

describe('GroupCommit', () => {
  it('commits what arrives in one turn as one group, answering each item with its own outcome', async () => {
    const { groupCommit, groups } = recordingCommit();
    const answers = ['a', 'bad-b', 'c'].map((item) => groupCommit.submit('tenant', item));

    await expect(answers[0]).resolves.toBe('aa');
    await expect(answers[1]).rejects.toThrow('bad-b refused');
    await expect(answers[2]).resolves.toBe('cc');
    expect(groups).toEqual([{ key: 'tenant', items: ['a', 'bad-b', 'c'] }]);
  });

  it('gathers what arrives during a commit into the next group, one commit at a time per key', async () => {
    const { groupCommit, groups, gates, overlaps } = recordingCommit();
    const held = gate();
    gates.set('tenant', held.opened);
    const first = groupCommit.submit('tenant', 'a');
    await vi.waitFor(() => expect(groups).toHaveLength(1));
    const later = ['b', 'c', 'd'].map((item) => groupCommit.submit('tenant', item));
    gates.delete('tenant');
    held.open();

    expect(await Promise.all([first, ...later])).toEqual(['aa', 'bb', 'cc', 'dd']);
    expect(groups.map(({ items }) => items)).toEqual([['a'], ['b', 'c', 'd']]);
    expect(overlaps()).toBe(0);
  });

  it('commits no more than maxGroupSize items per group, in the order they came', async () => {
    const { groupCommit, groups } = recordingCommit({ maxGroupSize: 2 });
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((item) => groupCommit.submit('t', item)));

    expect(answers).toEqual(['aa', 'bb', 'cc', 'dd', 'ee']);
    expect(groups.map(({ items }) => items)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('commits each key on its own: a held key does not hold another', async () => {
    const { groupCommit, gates } = recordingCommit();
    const held = gate();
    gates.set('busy', held.opened);
    const waiting = groupCommit.submit('busy', 'a');

    await expect(groupCommit.submit('other', 'b')).resolves.toBe('bb');
    held.open();
    await expect(waiting).resolves.toBe('aa');
  });

  it('fails every item of a group with the error of its failed commit, and commits the next group', async () => {
    const failure = new Error('the database is down');
    let calls = 0;
    const groupCommit = new GroupCommit<string, string>({
      maxGroupSize: 256,
      commit: async (_key, items) => {
        calls += 1;
        if (calls === 1) throw failure;
        return items.map(double);
      },
      afterCommit: async () => {},
    });
    const failed = await Promise.allSettled(['a', 'b'].map((item) => groupCommit.submit('t', item)));

    expect(failed).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    await expect(groupCommit.submit('t', 'c')).resolves.toBe('cc');
  });

  it('fails the group when the commit answers for fewer items than it was given', async () => {
    const groupCommit = new GroupCommit<string, string>({
      maxGroupSize: 256,
      commit: async (_key, items) => items.slice(1).map(double),
      afterCommit: async () => {},
    });
    const answers = await Promise.allSettled(['a', 'b'].map((item) => groupCommit.submit('t', item)));

    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });

  it('runs afterCommit once per committed group, with its outcomes, before any of its callers is answered', async () => {
    const seen: string[] = [];
    const afterCommit = vi.fn(async (key: string, outcomes: readonly Outcome<string>[]) => {
      seen.push(`after ${key}: ${outcomes.map((outcome) => outcome.ok).join(',')}`);
    });
    const { groupCommit } = recordingCommit({ afterCommit });
    const answers = ['a', 'bad-b', 'c'].map((item) =>
      groupCommit.submit('t', item).then(
        (value) => seen.push(`answered ${value}`),
        () => seen.push('refused'),
      ),
    );
    await Promise.all(answers);

    expect(afterCommit).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['after t: true,false,true', 'answered aa', 'refused', 'answered cc']);
  });

  it('does not run afterCommit for a group whose commit failed', async () => {
    const afterCommit = vi.fn(async () => {});
    const groupCommit = new GroupCommit<string, string>({
      maxGroupSize: 256,
      commit: async () => {
        throw new Error('down');
      },
      afterCommit,
    });
    await expect(groupCommit.submit('t', 'a')).rejects.toThrow('down');
    expect(afterCommit).not.toHaveBeenCalled();
  });

  it('refuses a group size that is not a positive integer', () => {
    expect(() => recordingCommit({ maxGroupSize: 0 })).toThrow('maxGroupSize must be a positive integer');
  });
});
