import { describe, expect, it } from 'vitest';
import { queryShowing, readListState, writeListState } from './list-state';

const TABS = { open: 'OPEN', answered: 'ANSWERED', mine: 'MINE' } as const;
const TEAM = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const TAG = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const read = (query: string) => readListState(new URLSearchParams(query), TABS);
const write = (state: ReturnType<typeof read>, query = '') =>
  writeListState(new URLSearchParams(query), state, TABS).toString();

describe('readListState', () => {
  it('starts on the first tab, sorted by votes, unfiltered', () => {
    expect(read('')).toEqual({
      view: 'OPEN',
      filters: { sort: 'top', teamId: undefined, tagId: undefined, search: undefined },
    });
  });

  it('reads the tab, sort, team, tag and search', () => {
    expect(
      read(`tab=answered&sort=newest&team=${TEAM}&tag=${TAG}&q=${encodeURIComponent('  roadmap 2026 ')}`),
    ).toEqual({
      view: 'ANSWERED',
      filters: { sort: 'newest', teamId: TEAM, tagId: TAG, search: 'roadmap 2026' },
    });
  });

  it('falls back to the defaults for anything unknown or malformed', () => {
    expect(read('tab=UNDER_REVIEW&sort=oldest&team=engineering&tag=1&q=%20%20')).toEqual(read(''));
    expect(read('tab=constructor').view).toBe('OPEN');
    expect(read(`q=${'x'.repeat(300)}`).filters.search).toHaveLength(200);
  });
});

describe('writeListState', () => {
  it('leaves the defaults out of the address', () => {
    expect(write(read(''))).toBe('');
  });

  it('writes what differs from the defaults, and reads back the same state', () => {
    const state = read(`tab=mine&sort=newest&team=${TEAM}&tag=${TAG}&q=why+now`);
    const query = write(state);
    expect(new URLSearchParams(query).get('tab')).toBe('mine');
    expect(read(query)).toEqual(state);
  });

  it('drops what is reset and keeps parameters it does not own', () => {
    const query = write(read(''), `tab=answered&sort=newest&q=old&next=%2Fsomewhere`);
    expect(query).toBe('next=%2Fsomewhere');
  });
});

describe('queryShowing', () => {
  const target = { id: TEAM, body: 'Will the canteen open earlier?', answered: false };
  const ARCHIVE_TABS = { answered: 'ANSWERED', open: 'OPEN', mine: 'MINE' } as const;
  const shown = (query: string, tabs: typeof TABS | typeof ARCHIVE_TABS) =>
    readListState(new URLSearchParams(query), tabs);

  it('leads to the tab the target is on, live or archived, searched for its text', () => {
    for (const tabs of [TABS, ARCHIVE_TABS]) {
      expect(shown(queryShowing(target), tabs)).toMatchObject({
        view: 'OPEN',
        filters: { search: target.body },
      });
      expect(shown(queryShowing({ ...target, answered: true }), tabs)).toMatchObject({
        view: 'ANSWERED',
        filters: { search: target.body },
      });
    }
  });

  it('searches for as much of a long text as the search box takes', () => {
    const search = shown(queryShowing({ ...target, body: 'x'.repeat(500) }), TABS).filters.search;
    expect(search).toBe('x'.repeat(200));
  });
});
