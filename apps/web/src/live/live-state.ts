/**
 * What the tab learns from its stream alone, kept in the query cache beside the loaded data so pages
 * read it like any query: how many watch a meeting now, and that a meeting was deleted.
 */
import type { MeetingPresenceEvent } from '@pulsestage/contracts';
import { type QueryClient, useQuery } from '@tanstack/react-query';

type MeetingPresence = MeetingPresenceEvent['data'];

/** Keys shaped like tRPC's (`[path, { input }]`) so the tenant's queries are found and dropped together. */
const presenceKey = (tenant: string, meetingId: string) => [
  ['live', 'presence'],
  { input: { tenant, meetingId } },
];
const deletedKey = (tenant: string, meetingId: string) => [
  ['live', 'deleted'],
  { input: { tenant, meetingId } },
];

export function recordPresence(queryClient: QueryClient, tenant: string, presence: MeetingPresence): void {
  queryClient.setQueryData(presenceKey(tenant, presence.meetingId), presence.watching);
}

export function recordDeleted(queryClient: QueryClient, tenant: string, meetingId: string): void {
  queryClient.setQueryData(deletedKey(tenant, meetingId), true);
}

/** Only the stream writes these: nothing is ever fetched for them. */
function useStreamValue<T>(queryKey: unknown[]): T | undefined {
  return useQuery<T>({ queryKey, queryFn: () => Promise.reject(new Error('stream-only')), enabled: false })
    .data;
}

/** How many watch the meeting, once the stream has said. */
export const usePresence = (tenant: string, meetingId: string) =>
  useStreamValue<number>(presenceKey(tenant, meetingId));

/** Whether the stream announced the meeting's deletion. */
export const useMeetingDeleted = (tenant: string, meetingId: string) =>
  useStreamValue<boolean>(deletedKey(tenant, meetingId)) === true;
