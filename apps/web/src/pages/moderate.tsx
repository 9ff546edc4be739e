import { LABEL_MAX } from '@pulsestage/contracts/limits';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Navigate } from 'react-router';
import { FilterBar } from '../components/filter-bar';
import { ModeratorControls, useModeration } from '../components/moderator-controls';
import { ErrorNotice } from '../components/notice';
import { QuestionCard } from '../components/question-card';
import { QuestionList } from '../components/question-list';
import { Tabs } from '../components/tabs';
import { UndoToast } from '../components/undo-toast';
import { useFailureNotice } from '../lib/failure';
import { useListState } from '../lib/list-state';
import { useQuestionList } from '../lib/questions';
import { useShortcuts } from '../lib/shortcuts';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

type View = 'OPEN' | 'UNDER_REVIEW' | 'ANSWERED';
const TABS = { open: 'OPEN', review: 'UNDER_REVIEW', answered: 'ANSWERED' } as const;

function NewTag({ tenant }: { tenant: string }) {
  const [name, setName] = useState('');
  const [color, setColor] = useState('#4f46e5');
  const utils = trpc.useUtils();
  const create = trpc.tag.create.useMutation({
    onSuccess: () => {
      setName('');
      void utils.tag.list.invalidate({ tenant });
    },
  });
  const failure = useFailureNotice([create], { name: 'The tag name' });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ tenant, name, color });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor="new-tag-name">
        New tag name
      </label>
      <input
        id="new-tag-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        placeholder="New tag"
        maxLength={LABEL_MAX}
        className="w-32 rounded-lg border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300"
      />
      <label className="sr-only" htmlFor="new-tag-color">
        New tag colour
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
        Add tag
      </button>
      <ErrorNotice message={failure} className="basis-full" />
    </form>
  );
}

function Shortcuts() {
  const keys: [string, string][] = [
    ['j / k', 'next / previous'],
    ['p', 'pin or unpin'],
    ['a', 'answer'],
    ['f', 'freeze or unfreeze'],
    ['z', 'undo'],
  ];
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-slate-600">
      {keys.map(([key, action]) => (
        <div key={key} className="contents">
          <dt>
            <kbd className="rounded bg-white px-1.5 py-0.5 font-mono ring-1 ring-slate-300">{key}</kbd>
          </dt>
          <dd>{action}</dd>
        </div>
      ))}
    </dl>
  );
}

/** `/t/:tenant/moderate`: the live queue with every moderator control, keyboard first. */
export default function Moderate() {
  const tenant = useTenant();
  const slug = tenant.slug;
  const { view, filters, setView, setFilters } = useListState<View>(TABS);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const answerBox = useRef<HTMLTextAreaElement>(null);
  const queue = trpc.queue.state.useQuery({ tenant: slug });
  const teams = trpc.team.list.useQuery({ tenant: slug });
  const tags = trpc.tag.list.useQuery({ tenant: slug });
  const list = useQuestionList({ tenant: slug, status: view, ...filters });
  const review = useQuestionList({ tenant: slug, status: 'UNDER_REVIEW', sort: 'newest' });
  const moderation = useModeration(slug);
  const { undo } = moderation;
  const questions = list.questions;
  const index = Math.max(
    0,
    questions.findIndex((question) => question.id === selectedId),
  );
  const selected = questions[index];
  const frozen = queue.data?.frozen ?? false;

  useEffect(() => {
    document.querySelector(`[data-question-id="${selected?.id}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected?.id]);

  const move = (step: number) => {
    const next = questions[Math.min(questions.length - 1, Math.max(0, index + step))];
    if (next) setSelectedId(next.id);
  };
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    p: () => selected && selected.status !== 'UNDER_REVIEW' && moderation.togglePin(selected),
    a: () => answerBox.current?.focus(),
    f: () => moderation.toggleFreeze(frozen),
    z: undo.undoLatest,
  });

  if (!hasRole(tenant, 'moderator')) return <Navigate to={`/t/${slug}`} replace />;
  const showReview = tenant.settings.requireApproval || review.questions.length > 0;
  const teamName = (id: string | null) => teams.data?.find((team) => team.id === id)?.name;

  return (
    <main className="mx-auto grid max-w-6xl gap-6 px-4 py-6 lg:grid-cols-[1fr_18rem]">
      <section aria-label="Queue" className="flex min-w-0 flex-col gap-4">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-bold">Moderation</h1>
          <button
            type="button"
            aria-pressed={frozen}
            onClick={() => moderation.toggleFreeze(frozen)}
            className={`ml-auto rounded-xl px-4 py-2 text-sm font-semibold ring-1 ${
              frozen
                ? 'bg-sky-800 text-white ring-sky-800'
                : 'text-slate-700 ring-slate-300 hover:bg-slate-50'
            }`}
          >
            {frozen ? '❄ Queue frozen — unfreeze' : 'Freeze queue'}{' '}
            <kbd className="ml-1 text-xs opacity-70">f</kbd>
          </button>
        </div>
        <ErrorNotice message={moderation.failure} className="" />
        <Tabs<View>
          label="Show"
          value={view}
          onChange={setView}
          tabs={[
            { value: 'OPEN', label: 'Open' },
            ...(showReview
              ? [{ value: 'UNDER_REVIEW' as const, label: 'Review', count: review.questions.length }]
              : []),
            { value: 'ANSWERED', label: 'Answered' },
          ]}
        />
        <FilterBar teams={teams.data ?? []} tags={tags.data ?? []} value={filters} onChange={setFilters} />
        <QuestionList
          questions={questions}
          loading={list.isPending}
          empty={view === 'UNDER_REVIEW' ? 'Nothing is waiting for review.' : 'No questions here.'}
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
                    <span className="text-xs">votes</span>
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
        <section className="rounded-2xl bg-white p-4 ring-1 ring-slate-200">
          <h2 className="mb-2 text-sm font-semibold">Keyboard</h2>
          <Shortcuts />
        </section>
        <section className="rounded-2xl bg-white p-4 ring-1 ring-slate-200">
          <h2 className="mb-2 text-sm font-semibold">Tags</h2>
          <NewTag tenant={slug} />
        </section>
      </aside>
      <UndoToast shown={undo.shown} onUndo={undo.undoLatest} onDismiss={undo.dismiss} />
    </main>
  );
}
