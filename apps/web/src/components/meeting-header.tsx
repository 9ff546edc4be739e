import type { Meeting } from '@pulsestage/contracts';
import { useTranslation } from 'react-i18next';
import { formatMeetingCode, formatMeetingTime } from '../lib/meetings';

const STATE_STYLES: Record<Meeting['state'], string> = {
  scheduled: 'bg-sky-100 text-sky-900',
  open: 'bg-emerald-100 text-emerald-900',
  closed: 'bg-slate-200 text-slate-800',
};

/** The meeting's state in a word: Upcoming, Live or Ended. */
export function MeetingStateBadge({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation();
  return (
    <span
      className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATE_STYLES[meeting.state]}`}
      data-testid="meeting-state"
    >
      {t(`meeting.states.${meeting.state}`)}
    </span>
  );
}

/** The meeting's title, state and join code, above every meeting page but the display. */
export function MeetingHeader({ meeting, heading }: { meeting: Meeting; heading?: string }) {
  const { t } = useTranslation();
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-bold text-slate-900 wrap-anywhere" data-testid="meeting-title">
          {heading ? t('meeting.heading', { heading, title: meeting.title }) : meeting.title}
        </h1>
        <MeetingStateBadge meeting={meeting} />
        <span className="font-mono text-sm text-slate-500" title={t('meeting.joinCode')}>
          {formatMeetingCode(meeting.code)}
        </span>
      </div>
      {meeting.description && (
        <p className="text-sm text-slate-600 whitespace-pre-wrap">{meeting.description}</p>
      )}
    </div>
  );
}

/** Why a meeting takes no questions now: it has not opened yet, or it has ended. */
export function MeetingStateBanner({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation();
  if (meeting.state === 'scheduled') {
    return (
      <div
        role="status"
        data-testid="meeting-scheduled"
        className="rounded-xl bg-sky-50 p-4 text-sky-950 ring-1 ring-sky-200"
      >
        <p className="font-semibold">
          {meeting.opensAt
            ? t('meeting.opensAt', { time: formatMeetingTime(meeting.opensAt) })
            : t('meeting.notOpenYet')}
        </p>
        <p className="text-sm">{t('meeting.followAlong')}</p>
      </div>
    );
  }
  if (meeting.state === 'closed') {
    return (
      <div
        role="status"
        data-testid="meeting-ended"
        className="rounded-xl bg-slate-100 p-4 text-slate-900 ring-1 ring-slate-300"
      >
        <p className="font-semibold">{t('meeting.ended')}</p>
        <p className="text-sm">
          {meeting.closedAt ? t('meeting.closedAt', { time: formatMeetingTime(meeting.closedAt) }) : ''}
          {t('meeting.archiveNote')}
        </p>
      </div>
    );
  }
  return null;
}
