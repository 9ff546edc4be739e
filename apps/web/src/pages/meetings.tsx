import type { Meeting, Tenant } from '@pulsestage/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmButton } from '../components/confirm-button';
import { MeetingCodeBox } from '../components/meeting-code-box';
import { MeetingForm } from '../components/meeting-form';
import { MeetingStateBadge } from '../components/meeting-header';
import { ErrorNotice } from '../components/notice';
import { PulseCheckins } from '../components/pulse-card';
import { Spinner } from '../components/spinner';
import { errorMessage } from '../lib/errors';
import { useFailureNotice } from '../lib/failure';
import { meetingPath } from '../lib/meeting';
import { formatMeetingCode, groupMeetings, meetingTiming } from '../lib/meetings';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

const CARD = 'rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200';
const ACTION = 'rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50';

/** Whether questions are paused, next to the state: what a moderator checks before going on stage. */
function PausedBadge() {
  return (
    <span className="rounded-full bg-sky-800 px-2.5 py-0.5 text-xs font-semibold text-white">Paused</span>
  );
}

/** Deletes a meeting after a confirmation that names it and says how many questions go with it. */
function DeleteMeeting({ tenant, meeting }: { tenant: string; meeting: Meeting }) {
  const [asked, setAsked] = useState(false);
  const figures = trpc.meeting.analytics.useQuery({ tenant, meetingId: meeting.id }, { enabled: asked });
  const remove = trpc.meeting.delete.useMutation();
  const failure = useFailureNotice([remove]);
  const count = figures.data?.questions;
  const questions =
    count === undefined ? 'all its questions' : count === 1 ? 'its 1 question' : `its ${count} questions`;
  return (
    <>
      <ConfirmButton
        label="Delete"
        warning={`Delete “${meeting.title}” and ${questions}? This cannot be undone.`}
        className={`${ACTION} text-rose-800`}
        onAsk={() => setAsked(true)}
        onConfirm={() => remove.mutate({ tenant, meetingId: meeting.id })}
      />
      <ErrorNotice message={failure} className="basis-full" />
    </>
  );
}

/** Open or close: what a moderator does to a meeting by hand, whatever its schedule says. */
function StateAction({ tenant, meeting }: { tenant: string; meeting: Meeting }) {
  const open = trpc.meeting.open.useMutation();
  const close = trpc.meeting.close.useMutation();
  const failure = useFailureNotice([open, close]);
  const input = { tenant, meetingId: meeting.id };
  const pending = open.isPending || close.isPending;
  return (
    <>
      {meeting.state === 'open' ? (
        <button type="button" className={ACTION} disabled={pending} onClick={() => close.mutate(input)}>
          Close
        </button>
      ) : (
        <button type="button" className={ACTION} disabled={pending} onClick={() => open.mutate(input)}>
          {meeting.state === 'closed' ? 'Reopen' : 'Open now'}
        </button>
      )}
      <ErrorNotice message={failure} className="basis-full" />
    </>
  );
}

function MeetingCard({ tenant, meeting }: { tenant: Tenant; meeting: Meeting }) {
  const [editing, setEditing] = useState(false);
  const path = (page: Parameters<typeof meetingPath>[2] = '') => meetingPath(tenant.slug, meeting.id, page);
  const moderates = hasRole(tenant, 'moderator');
  return (
    <li className={CARD} data-testid="meeting-card">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h3 className="text-lg font-semibold">
          <Link to={path()} className="text-slate-900 hover:text-indigo-700 hover:underline">
            {meeting.title}
          </Link>
        </h3>
        <MeetingStateBadge meeting={meeting} />
        {meeting.state === 'open' && meeting.paused && <PausedBadge />}
        <span className="ml-auto font-mono text-sm font-semibold text-slate-700" title="Join code">
          {formatMeetingCode(meeting.code)}
        </span>
      </div>
      <p className="mt-1 text-sm text-slate-600">{meetingTiming(meeting)}</p>
      {meeting.description && <p className="mt-2 line-clamp-2 text-slate-700">{meeting.description}</p>}
      {moderates && (
        <div className="mt-4 flex flex-wrap items-center gap-2">
          <Link to={path('moderate')} className={ACTION}>
            Moderate
          </Link>
          <Link to={path('present')} className={ACTION}>
            Present
          </Link>
          {meeting.state !== 'scheduled' && (
            <Link to={path('analytics')} className={ACTION}>
              Analytics
            </Link>
          )}
          <StateAction tenant={tenant.slug} meeting={meeting} />
          <button
            type="button"
            className={ACTION}
            aria-expanded={editing}
            onClick={() => setEditing(!editing)}
          >
            Edit
          </button>
          {hasRole(tenant, 'admin') && <DeleteMeeting tenant={tenant.slug} meeting={meeting} />}
        </div>
      )}
      {editing && (
        <div className="mt-4 border-t border-slate-200 pt-4">
          <MeetingForm
            meeting={meeting}
            onSaved={() => setEditing(false)}
            onCancel={() => setEditing(false)}
          />
        </div>
      )}
    </li>
  );
}

interface GroupProps {
  tenant: Tenant;
  title: string;
  meetings: Meeting[];
  empty: string;
}

function MeetingGroup({ tenant, title, meetings, empty }: GroupProps) {
  const id = `group-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3">
      <h2 id={id} className="text-lg font-semibold text-slate-900">
        {title} <span className="font-normal text-slate-600 tabular-nums">({meetings.length})</span>
      </h2>
      {meetings.length === 0 ? (
        <p className="text-slate-600">{empty}</p>
      ) : (
        <ul className="grid gap-3">
          {meetings.map((meeting) => (
            <MeetingCard key={meeting.id} tenant={tenant} meeting={meeting} />
          ))}
        </ul>
      )}
    </section>
  );
}

function NewMeeting({ onDone }: { onDone(): void }) {
  return (
    <section aria-labelledby="new-meeting" className={CARD}>
      <h2 id="new-meeting" className="mb-4 text-lg font-semibold">
        New meeting
      </h2>
      <MeetingForm onSaved={onDone} onCancel={onDone} />
    </section>
  );
}

/** `/t/:tenant`: the organization's meetings, open now, upcoming and past, kept current by the stream. */
export default function Meetings() {
  const tenant = useTenant();
  const [creating, setCreating] = useState(false);
  const list = trpc.meeting.list.useQuery({ tenant: tenant.slug });
  const moderates = hasRole(tenant, 'moderator');
  const groups = groupMeetings(list.data?.items ?? []);
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-6 px-4 py-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">Meetings</h1>
        {moderates && !creating && (
          <button
            type="button"
            onClick={() => setCreating(true)}
            className="ml-auto rounded-xl bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700"
          >
            New meeting
          </button>
        )}
      </div>
      <PulseCheckins keepSwitch />
      {creating && <NewMeeting onDone={() => setCreating(false)} />}
      <MeetingCodeBox />
      {list.isPending && <Spinner label="Loading the meetings" />}
      {list.isError && <ErrorNotice message={errorMessage(list.error)} />}
      {list.data && (
        <>
          <MeetingGroup
            tenant={tenant}
            title="Open now"
            meetings={groups.open}
            empty="No meeting is open right now."
          />
          <MeetingGroup
            tenant={tenant}
            title="Upcoming"
            meetings={groups.upcoming}
            empty={
              moderates
                ? 'Nothing scheduled. Create a meeting to plan the next one.'
                : 'Nothing scheduled yet.'
            }
          />
          <MeetingGroup
            tenant={tenant}
            title="Past"
            meetings={groups.past}
            empty="No meeting has ended yet."
          />
        </>
      )}
    </main>
  );
}
