import { randomUUID } from 'node:crypto';
import type { PulsePending, PulseResults } from '@pulsestage/contracts';
import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trpc } from '../trpc';
import { applyStreamEvent } from './apply-event';
import { invites, PENDING_JITTER_MS, RESULTS_DEBOUNCE_MS } from './pulse-events';
import { makeEvent } from './test-data';

const TENANT = 'demo';
const pendingKey = (tenant = TENANT) => getQueryKey(trpc.pulse.pending, { tenant }, 'query');
const resultsKey = (weeks: number, tenant = TENANT) =>
  getQueryKey(trpc.pulse.results, { tenant, weeks }, 'query');

const pending = (cohortName: string | null): PulsePending => ({
  cohortName,
  emailInvitations: true,
  threshold: 5,
  checkins: [],
});
const results: PulseResults = { threshold: 5, questions: [] };

const opened = (cohortName: string) => makeEvent('checkin:opened.v1', { cohortName, date: '2026-12-07' });
const answered = () =>
  makeEvent('pulse.response.recorded.v1', {
    questionId: randomUUID(),
    teamId: null,
    score: 4,
    cohortName: null,
    submittedAt: '2026-12-07T09:00:00.000Z',
  });

let queryClient: QueryClient;
let loadedAgain: QueryKey[];

beforeEach(() => {
  vi.useFakeTimers();
  queryClient = new QueryClient({ defaultOptions: { queries: { gcTime: Number.POSITIVE_INFINITY } } });
  loadedAgain = [];
  const invalidate = queryClient.invalidateQueries.bind(queryClient);
  vi.spyOn(queryClient, 'invalidateQueries').mockImplementation((filters, options) => {
    if (filters?.queryKey) loadedAgain.push(filters.queryKey);
    return invalidate(filters, options);
  });
});

afterEach(() => {
  queryClient.clear();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('invites', () => {
  it("is true only for the caller's own cohort", () => {
    expect(invites('Weekday', pending('Weekday'))).toBe(true);
    expect(invites('Weekday', pending('Weekend'))).toBe(false);
  });

  it('is false for guests and before the check-ins loaded', () => {
    expect(invites('Weekday', pending(null))).toBe(false);
    expect(invites('Weekday', undefined)).toBe(false);
  });
});

describe('checkin:opened', () => {
  it("loads the invited cohort's pending check-ins again, after a random moment", () => {
    queryClient.setQueryData(pendingKey(), pending('Weekday'));
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    applyStreamEvent(queryClient, TENANT, opened('Weekday'));
    vi.advanceTimersByTime(PENDING_JITTER_MS / 2 - 1);
    expect(loadedAgain).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(loadedAgain).toEqual([pendingKey()]);
  });

  it('leaves another cohort, a guest and another organization alone', () => {
    queryClient.setQueryData(pendingKey(), pending('Weekend'));
    queryClient.setQueryData(pendingKey('acme'), pending('Weekday'));
    applyStreamEvent(queryClient, TENANT, opened('Weekday'));
    queryClient.setQueryData(pendingKey(), pending(null));
    applyStreamEvent(queryClient, TENANT, opened('Weekday'));
    vi.advanceTimersByTime(PENDING_JITTER_MS);
    expect(loadedAgain).toEqual([]);
  });

  it('loads the results dashboard again for the new round', () => {
    queryClient.setQueryData(resultsKey(12), results);
    applyStreamEvent(queryClient, TENANT, opened('Weekday'));
    vi.advanceTimersByTime(RESULTS_DEBOUNCE_MS);
    expect(loadedAgain).toEqual([resultsKey(12)]);
  });
});

describe('pulse.response.recorded.v1', () => {
  it('loads every cached results dashboard again, once for a burst of answers', () => {
    queryClient.setQueryData(resultsKey(12), results);
    queryClient.setQueryData(resultsKey(4), results);
    for (let answer = 0; answer < 5; answer += 1) applyStreamEvent(queryClient, TENANT, answered());
    vi.advanceTimersByTime(RESULTS_DEBOUNCE_MS - 1);
    expect(loadedAgain).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(loadedAgain).toHaveLength(2);
    expect(loadedAgain).toEqual(expect.arrayContaining([resultsKey(12), resultsKey(4)]));
  });

  it('plans a new load for answers after the last one ran', () => {
    queryClient.setQueryData(resultsKey(12), results);
    applyStreamEvent(queryClient, TENANT, answered());
    vi.advanceTimersByTime(RESULTS_DEBOUNCE_MS);
    applyStreamEvent(queryClient, TENANT, answered());
    vi.advanceTimersByTime(RESULTS_DEBOUNCE_MS);
    expect(loadedAgain).toEqual([resultsKey(12), resultsKey(12)]);
  });

  it("leaves pending check-ins and another organization's results alone", () => {
    queryClient.setQueryData(pendingKey(), pending('Weekday'));
    queryClient.setQueryData(resultsKey(12, 'acme'), results);
    applyStreamEvent(queryClient, TENANT, answered());
    vi.advanceTimersByTime(RESULTS_DEBOUNCE_MS);
    expect(loadedAgain).toEqual([]);
  });
});
