import type { Meeting, Tenant } from '@pulsestage/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
import { formatMeetingCode, groupMeetings, type MeetingGroups, meetingTiming } from '../lib/meetings';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

const CARD = 'rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200';
const ACTION = 'rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50';

/** Whether questions are paused, next to the state: what a moderator checks before going on stage. */
function PausedBadge() {
  const { t } = useTranslation();
  return (
    <span className="rounded-full bg-sky-800 px-2.5 py-0.5 text-xs font-semibold text-white">
      {t('meetings.paused')}
    </span>
  );
}

/** Deletes a meeting after a confirmation that names it and says how many questions go with it. */
function DeleteMeeting({ tenant, meeting }: { tenant: string; meeting: Meeting }) {
  const { t } = useTranslation();
  const [asked, setAsked] = useState(false);
  const figures = trpc.meeting.analytics.useQuery({ tenant, meetingId: meeting.id }, { enabled: asked });
  const remove = trpc.meeting.delete.useMutation();
  const failure = useFailureNotice([remove]);
  const count = figures.data?.questions;
  return (
    <>
      <ConfirmButton
        label={t('meetings.delete')}
        warning={
          count === undefined
            ? t('meetings.deleteAll', { title: meeting.title })
            : t('meetings.deleteCount', { title: meeting.title, count })
        }
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
  const { t } = useTranslation();
  const open = trpc.meeting.open.useMutation();
  const close = trpc.meeting.close.useMutation();
  const failure = useFailureNotice([open, close]);
  const input = { tenant, meetingId: meeting.id };
  const pending = open.isPending || close.isPending;
  return (
    <>
      {meeting.state === 'open' ? (
        <button type="button" className={ACTION} disabled={pending} onClick={() => close.mutate(input)}>
          {t('meetings.close')}
        </button>
      ) : (
        <button type="button" className={ACTION} disabled={pending} onClick={() => open.mutate(input)}>
          {t(meeting.state === 'closed' ? 'meetings.reopen' : 'meetings.openNow')}
        </button>
      )}
      <ErrorNotice message={failure} className="basis-full" />
    </>
  );
}

function MeetingCard({ tenant, meeting }: { tenant: Tenant; meeting: Meeting }) {
  const { t } = useTranslation();
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
        <span
          className="ml-auto font-mono text-sm font-semibold text-slate-700"
          title={t('meeting.joinCode')}
        >
          {formatMeetingCode(meeting.code)}
        </span>
      </div>
      <p className="mt-1 text-sm text-slate-600">{meetingTiming(meeting)}</p>
      {meeting.description && <p className="mt-2 line-clamp-2 text-slate-700">{meeting.description}</p>}
      {moderates && (
        <div className="mt-4 flex flex-wrap items-center gap-2">
          <Link to={path('moderate')} className={ACTION}>
            {t('tenant.moderate')}
          </Link>
          <Link to={path('present')} className={ACTION}>
            {t('tenant.present')}
          </Link>
          {meeting.state !== 'scheduled' && (
            <Link to={path('analytics')} className={ACTION}>
              {t('tenant.analytics')}
            </Link>
          )}
          <StateAction tenant={tenant.slug} meeting={meeting} />
          <button
            type="button"
            className={ACTION}
            aria-expanded={editing}
            onClick={() => setEditing(!editing)}
          >
            {t('common.edit')}
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
  group: keyof MeetingGroups;
  meetings: Meeting[];
  empty: string;
}

function MeetingGroup({ tenant, group, meetings, empty }: GroupProps) {
  const { t } = useTranslation();
  const id = `group-${group}`;
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3">
      <h2 id={id} className="text-lg font-semibold text-slate-900">
        {t(`meetings.groups.${group}`)}{' '}
        <span className="font-normal text-slate-600 tabular-nums">({meetings.length})</span>
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
  const { t } = useTranslation();
  return (
    <section aria-labelledby="new-meeting" className={CARD}>
      <h2 id="new-meeting" className="mb-4 text-lg font-semibold">
        {t('meetings.new')}
      </h2>
      <MeetingForm onSaved={onDone} onCancel={onDone} />
    </section>
  );
}

/** `/t/:tenant`: the organization's meetings, open now, upcoming and past, kept current by the stream. */
export default function Meetings() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const [creating, setCreating] = useState(false);
  const list = trpc.meeting.list.useQuery({ tenant: tenant.slug });
  const moderates = hasRole(tenant, 'moderator');
  const groups = groupMeetings(list.data?.items ?? []);
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-6 px-4 py-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{t('tenant.meetings')}</h1>
        {moderates && !creating && (
          <button
            type="button"
            onClick={() => setCreating(true)}
            className="ml-auto rounded-xl bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700"
          >
            {t('meetings.new')}
          </button>
        )}
      </div>
      <PulseCheckins keepSwitch />
      {creating && <NewMeeting onDone={() => setCreating(false)} />}
      <MeetingCodeBox />
      {list.isPending && <Spinner label={t('meetings.loading')} />}
      {list.isError && <ErrorNotice message={errorMessage(list.error)} />}
      {list.data && (
        <>
          <MeetingGroup
            tenant={tenant}
            group="open"
            meetings={groups.open}
            empty={t('meetings.empty.open')}
          />
          <MeetingGroup
            tenant={tenant}
            group="upcoming"
            meetings={groups.upcoming}
            empty={t(moderates ? 'meetings.empty.upcomingModerator' : 'meetings.empty.upcoming')}
          />
          <MeetingGroup
            tenant={tenant}
            group="past"
            meetings={groups.past}
            empty={t('meetings.empty.past')}
          />
        </>
      )}
    </main>
  );
}
