import { LABEL_MAX } from '@pulsestage/contracts/limits';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { ConfirmButton } from '../components/confirm-button';
import { FilterBar } from '../components/filter-bar';
import { MeetingExport } from '../components/meeting-export';
import { MeetingHeader } from '../components/meeting-header';
import { ModeratorControls, useModeration } from '../components/moderator-controls';
import { ErrorNotice } from '../components/notice';
import { PresenceCount } from '../components/presence-count';
import { QuestionCard } from '../components/question-card';
import { QuestionList } from '../components/question-list';
import { Tabs } from '../components/tabs';
import { UndoToast } from '../components/undo-toast';
import { useFailureNotice } from '../lib/failure';
import { useListState } from '../lib/list-state';
import { meetingPath, useMeeting } from '../lib/meeting';
import { spotlightOf } from '../lib/presenter';
import { PRESENTER_KEYS, usePresenterKeys } from '../lib/presenter-keys';
import { useQuestionList } from '../lib/questions';
import { useShortcuts } from '../lib/shortcuts';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

type View = 'OPEN' | 'UNDER_REVIEW' | 'ANSWERED' | 'HIDDEN';
const TABS = { open: 'OPEN', review: 'UNDER_REVIEW', answered: 'ANSWERED', hidden: 'HIDDEN' } as const;

function NewTag({ tenant }: { tenant: string }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [color, setColor] = useState('#4f46e5');
  const utils = trpc.useUtils();
  const create = trpc.tag.create.useMutation({
    onSuccess: () => {
      setName('');
      void utils.tag.list.invalidate({ tenant });
    },
  });
  const failure = useFailureNotice([create], { name: t('moderation.tagName') });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ tenant, name, color });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor="new-tag-name">
        {t('moderation.newTagName')}
      </label>
      <input
        id="new-tag-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        placeholder={t('moderation.newTag')}
        maxLength={LABEL_MAX}
        className="w-32 rounded-lg border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300"
      />
      <label className="sr-only" htmlFor="new-tag-color">
        {t('moderation.newTagColour')}
      </label>
      <input
        id="new-tag-color"
        type="color"
        value={color}
        onChange={(event) => setColor(event.target.value)}
        className="h-8 w-10"
      />
      <button
        type="submit"
        disabled={!name.trim()}
        className="rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 disabled:opacity-50"
      >
        {t('moderation.addTag')}
      </button>
      <ErrorNotice message={failure} className="basis-full" />
    </form>
  );
}

const KEYS = [
  ['j / k', 'select'],
  ['t', 'pin'],
  ['a', 'answer'],
  ['l', 'answeredLive'],
  ['h', 'hide'],
  ...PRESENTER_KEYS,
  ['f', 'pause'],
  ['z', 'undo'],
] as const;

function Shortcuts() {
  const { t } = useTranslation();
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs text-slate-600">
      {KEYS.map(([key, action]) => (
        <div key={key} className="contents">
          <dt>
            <kbd className="rounded bg-white px-1.5 py-0.5 font-mono ring-1 ring-slate-300">{key}</kbd>
          </dt>
          <dd>{t(`moderation.keys.${action}`)}</dd>
        </div>
      ))}
    </dl>
  );
}

const buttonClass = 'rounded-xl px-4 py-2 text-sm font-semibold ring-1';
const plainButton = `${buttonClass} text-slate-700 ring-slate-300 hover:bg-slate-50`;

/** Open, pause or close the meeting: what a moderator runs it with. */
function MeetingControls({ moderation }: { moderation: ReturnType<typeof useModeration> }) {
  const { t } = useTranslation();
  const tenant = useTenant();
  const meeting = useMeeting();
  const where = { tenant: tenant.slug, meetingId: meeting.id };
  const openMeeting = trpc.meeting.open.useMutation();
  const closeMeeting = trpc.meeting.close.useMutation();
  const failure = useFailureNotice([openMeeting, closeMeeting]);
  return (
    <div className="flex flex-wrap items-center gap-3">
      <PresenceCount tenant={tenant.slug} meetingId={meeting.id} className="text-sm text-slate-600" />
      <div className="ml-auto flex flex-wrap gap-2">
        {meeting.state === 'open' && (
          <button
            type="button"
            aria-pressed={meeting.paused}
            onClick={() => moderation.toggleFreeze(meeting.paused)}
            className={
              meeting.paused
                ? `${buttonClass} bg-sky-800 text-white ring-sky-800 hover:bg-sky-900`
                : plainButton
            }
          >
            {t(meeting.paused ? 'moderation.resume' : 'moderation.pause')}{' '}
            <kbd className="ml-1 text-xs opacity-70">f</kbd>
          </button>
        )}
        {meeting.state === 'open' ? (
          <ConfirmButton
            label={t('moderation.closeMeeting')}
            warning={t('moderation.closeWarning')}
            className={plainButton}
            onConfirm={() => closeMeeting.mutate(where)}
          />
        ) : (
          <button
            type="button"
            className={`${buttonClass} bg-emerald-600 text-white ring-emerald-600 hover:bg-emerald-700`}
            onClick={() => openMeeting.mutate(where)}
          >
            {t(meeting.state === 'closed' ? 'moderation.reopenMeeting' : 'moderation.openMeeting')}
          </button>
        )}
      </div>
      <ErrorNotice message={failure} className="basis-full" />
    </div>
  );
}

/** `/t/:tenant/m/:meeting/moderate`: the meeting's live queue with every moderator control, keyboard first. */
export default function Moderate() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const meeting = useMeeting();
  const slug = tenant.slug;
  const where = { tenant: slug, meetingId: meeting.id };
  const { view, filters, setView, setFilters } = useListState<View>(TABS);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const answerBox = useRef<HTMLTextAreaElement>(null);
  const queue = trpc.queue.state.useQuery(where);
  const teams = trpc.team.list.useQuery({ tenant: slug });
  const tags = trpc.tag.list.useQuery({ tenant: slug });
  const list = useQuestionList(
    view === 'HIDDEN' ? { ...where, hidden: true, ...filters } : { ...where, status: view, ...filters },
  );
  const review = useQuestionList({ ...where, status: 'UNDER_REVIEW', sort: 'newest' });
  const openQueue = useQuestionList({ ...where, status: 'OPEN', sort: 'top' });
  const moderation = useModeration(where);
  const { undo } = moderation;
  const questions = list.questions;
  const index = Math.max(
    0,
    questions.findIndex((question) => question.id === selectedId),
  );
  const selected = questions[index];
  const spotlight = spotlightOf(queue.data, openQueue.questions);
  const presenterKeys = usePresenterKeys(moderation, openQueue.questions, spotlight);

  useEffect(() => {
    document.querySelector(`[data-question-id="${selected?.id}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected?.id]);

  const move = (step: number) => {
    const next = questions[Math.min(questions.length - 1, Math.max(0, index + step))];
    if (next) setSelectedId(next.id);
  };
  const published = selected && selected.status !== 'UNDER_REVIEW' && !selected.hidden ? selected : undefined;
  useShortcuts({
    ...presenterKeys,
    j: () => move(1),
    k: () => move(-1),
    t: () => published && moderation.togglePin(published),
    a: () => answerBox.current?.focus(),
    l: () => published?.status === 'OPEN' && moderation.answerLive(published),
    h: () => published && moderation.hide(published),
    f: () => meeting.state === 'open' && moderation.toggleFreeze(meeting.paused),
    z: undo.undoLatest,
  });

  if (!hasRole(tenant, 'moderator')) return <Navigate to={meetingPath(slug, meeting.id)} replace />;
  const showReview = meeting.effective.requireApproval || review.questions.length > 0;
  const teamName = (id: string | null) => teams.data?.find((team) => team.id === id)?.name;

  return (
    <main className="mx-auto grid max-w-6xl gap-6 px-4 py-6 lg:grid-cols-[1fr_18rem]">
      <section aria-label={t('moderation.queue')} className="flex min-w-0 flex-col gap-4">
        <MeetingHeader meeting={meeting} heading={t('moderation.title')} />
        <MeetingControls moderation={moderation} />
        <ErrorNotice message={moderation.failure} className="" />
        <Tabs<View>
          label={t('participant.show')}
          value={view}
          onChange={setView}
          tabs={[
            { value: 'OPEN', label: t('participant.open') },
            ...(showReview
              ? [
                  {
                    value: 'UNDER_REVIEW' as const,
                    label: t('moderation.review'),
                    count: review.questions.length,
                  },
                ]
              : []),
            { value: 'ANSWERED', label: t('participant.answered') },
            { value: 'HIDDEN', label: t('question.hidden') },
          ]}
        />
        <FilterBar teams={teams.data ?? []} tags={tags.data ?? []} value={filters} onChange={setFilters} />
        <QuestionList
          questions={questions}
          loading={list.isPending}
          empty={t(`moderation.empty.${view}`)}
          hasMore={list.hasNextPage}
          onMore={() => void list.fetchNextPage()}
          render={(question) => (
            // biome-ignore lint/a11y/noStaticElementInteractions: selection by click mirrors j/k, which the keyboard drives
            // biome-ignore lint/a11y/useKeyWithClickEvents: j/k select from the keyboard
            <div onClick={() => setSelectedId(question.id)}>
              <QuestionCard
                question={question}
                teamName={teamName(question.teamId)}
                selected={question.id === selected?.id}
                leading={
                  <div className="flex min-w-12 flex-col items-center text-slate-700">
                    <span className="text-xl font-bold tabular-nums" data-testid="vote-count">
                      {question.upvoteCount}
                    </span>
                    <span className="text-xs">{t('moderation.votes', { count: question.upvoteCount })}</span>
                  </div>
                }
              >
                {question.id === selected?.id && (
                  <ModeratorControls
                    question={question}
                    tags={tags.data ?? []}
                    answerBox={answerBox}
                    moderation={moderation}
                  />
                )}
              </QuestionCard>
            </div>
          )}
        />
      </section>
      <aside className="flex flex-col gap-6 lg:sticky lg:top-20 lg:self-start">
        <section className="flex flex-col gap-2 rounded-2xl bg-white p-4 ring-1 ring-slate-200">
          <h2 className="text-sm font-semibold">{t('moderation.share')}</h2>
          <Link className="text-sm text-indigo-700 underline" to={meetingPath(slug, meeting.id, 'present')}>
            {t('moderation.openDisplay')}
          </Link>
          <Link className="text-sm text-indigo-700 underline" to={meetingPath(slug, meeting.id, 'analytics')}>
            {t('moderation.seeAnalytics')}
          </Link>
          <MeetingExport tenant={slug} meetingId={meeting.id} />
        </section>
        <section className="rounded-2xl bg-white p-4 ring-1 ring-slate-200">
          <h2 className="mb-2 text-sm font-semibold">{t('moderation.keyboard')}</h2>
          <Shortcuts />
        </section>
        <section className="rounded-2xl bg-white p-4 ring-1 ring-slate-200">
          <h2 className="mb-2 text-sm font-semibold">{t('moderation.tags')}</h2>
          <NewTag tenant={slug} />
        </section>
      </aside>
      <UndoToast shown={undo.shown} onUndo={undo.undoLatest} onDismiss={undo.dismiss} />
    </main>
  );
}
