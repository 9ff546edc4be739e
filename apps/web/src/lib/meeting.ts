import type { MeetingSnapshot } from '@pulsestage/contracts';
import { createContext, useContext } from 'react';

export const MeetingContext = createContext<MeetingSnapshot | null>(null);

/** The meeting of the current `/t/:tenant/m/:meeting` page, kept current by the tab's live events. */
export function useMeeting(): MeetingSnapshot {
  const meeting = useContext(MeetingContext);
  if (!meeting) throw new Error('useMeeting is only available inside a meeting page');
  return meeting;
}

/** The address of one of a meeting's pages. */
export const meetingPath = (
  tenant: string,
  meetingId: string,
  page: '' | 'moderate' | 'present' | 'analytics' = '',
) => `/t/${tenant}/m/${meetingId}${page ? `/${page}` : ''}`;

/** A meeting's page on the tab of the person's own questions: where a notification of an answer leads. */
export const ownQuestionsPath = (tenant: string, meetingId: string) =>
  `${meetingPath(tenant, meetingId)}?tab=mine`;
