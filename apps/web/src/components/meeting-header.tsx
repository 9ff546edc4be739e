import type { Meeting } from '@pulsestage/contracts';
import { formatMeetingCode, formatMeetingTime } from '../lib/meetings';

const STATE_LABELS: Record<Meeting['state'], { label: string; className: string }> = {
  scheduled: { label: 'Upcoming', className: 'bg-sky-100 text-sky-900' },
  open: { label: 'Live', className: 'bg-emerald-100 text-emerald-900' },
  closed: { label: 'Ended', className: 'bg-slate-200 text-slate-800' },
};

/** The meeting's state in a word: Upcoming, Live or Ended. */
export function MeetingStateBadge({ meeting }: { meeting: Meeting }) {
  const state = STATE_LABELS[meeting.state];
  return (
    <span
      className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${state.className}`}
      data-testid="meeting-state"
    >
      {state.label}
    </span>
  );
}

/** The meeting's title, state and join code, above every meeting page but the display. */
export function MeetingHeader({ meeting, heading }: { meeting: Meeting; heading?: string }) {
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-bold text-slate-900 wrap-anywhere" data-testid="meeting-title">
          {heading ? `${heading}: ${meeting.title}` : meeting.title}
        </h1>
        <MeetingStateBadge meeting={meeting} />
        <span className="font-mono text-sm text-slate-500" title="Join code">
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
  if (meeting.state === 'scheduled') {
    return (
      <div
        role="status"
        data-testid="meeting-scheduled"
        className="rounded-xl bg-sky-50 p-4 text-sky-950 ring-1 ring-sky-200"
      >
        <p className="font-semibold">
          {meeting.opensAt
            ? `This meeting opens ${formatMeetingTime(meeting.opensAt)}`
            : 'This meeting has not opened yet'}
        </p>
        <p className="text-sm">You can ask and vote as soon as it opens; this page follows along.</p>
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
        <p className="font-semibold">This meeting has ended</p>
        <p className="text-sm">
          {meeting.closedAt ? `It closed ${formatMeetingTime(meeting.closedAt)}. ` : ''}
          Here are its questions and answers; answers given after the meeting appear here too.
        </p>
      </div>
    );
  }
  return null;
}
