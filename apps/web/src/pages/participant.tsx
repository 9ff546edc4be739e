import type { Question } from '@pulsestage/contracts';
import { FilterBar } from '../components/filter-bar';
import { FrozenBanner } from '../components/frozen-banner';
import { ErrorNotice } from '../components/notice';
import { type CardQuestion, QuestionCard } from '../components/question-card';
import { QuestionList } from '../components/question-list';
import { SubmitForm } from '../components/submit-form';
import { Tabs } from '../components/tabs';
import { VoteButton } from '../components/vote-button';
import { useFailureNotice } from '../lib/failure';
import { useListState } from '../lib/list-state';
import { useOwnQuestions, useQuestionList, useVoteToggle } from '../lib/questions';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

type View = 'OPEN' | 'ANSWERED' | 'MINE';
const TABS = { open: 'OPEN', answered: 'ANSWERED', mine: 'MINE' } as const;

/** `/t/:tenant`: ask, upvote and follow the answers, live. */
export function Participant() {
  const tenant = useTenant();
  const slug = tenant.slug;
  const participates = hasRole(tenant, 'member');
  const { view, filters, setView, setFilters } = useListState<View>(TABS);
  const queue = trpc.queue.state.useQuery({ tenant: slug });
  const teams = trpc.team.list.useQuery({ tenant: slug });
  const tags = trpc.tag.list.useQuery({ tenant: slug });
  const mine = useOwnQuestions(slug, participates, view === 'MINE');
  const list = useQuestionList({
    tenant: slug,
    status: view === 'ANSWERED' ? 'ANSWERED' : 'OPEN',
    ...filters,
  });
  const vote = useVoteToggle(slug);
  const voteFailure = useFailureNotice([vote]);
  // Questions asked here since the lists loaded carry no `mine` flag yet: the own list knows them.
  const ownIds = new Set(mine.questions.map((question) => question.id));
  const isOwn = (question: Question) => question.mine || ownIds.has(question.id);
  const teamName = (id: string | null) => teams.data?.find((team) => team.id === id)?.name;
  const frozen = queue.data?.frozen ?? false;

  const card = (question: CardQuestion) => (
    <QuestionCard
      question={question}
      teamName={teamName(question.teamId)}
      own={isOwn(question)}
      leading={
        participates && question.status !== 'UNDER_REVIEW' && !question.rejectedAt ? (
          <VoteButton
            question={question}
            own={isOwn(question)}
            disabled={vote.isPending && vote.variables?.question.id === question.id}
            onToggle={(target) => vote.mutate({ question: target, upvote: !target.upvotedByMe })}
          />
        ) : undefined
      }
    />
  );

  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-4 px-4 py-6">
      <h1 className="sr-only">Questions</h1>
      {frozen && <FrozenBanner />}
      {participates && <SubmitForm tenant={tenant} teams={teams.data ?? []} frozen={frozen} />}
      <Tabs<View>
        label="Show"
        value={view}
        onChange={setView}
        tabs={[
          { value: 'OPEN', label: 'Open' },
          { value: 'ANSWERED', label: 'Answered' },
          ...(participates
            ? [
                {
                  value: 'MINE' as const,
                  label: 'Mine',
                  count: mine.data && !mine.hasNextPage ? mine.questions.length : undefined,
                },
              ]
            : []),
        ]}
      />
      {view !== 'MINE' && (
        <FilterBar teams={teams.data ?? []} tags={tags.data ?? []} value={filters} onChange={setFilters} />
      )}
      <ErrorNotice message={voteFailure} className="" />
      {view === 'MINE' ? (
        <QuestionList
          questions={mine.questions}
          loading={mine.isPending}
          empty="You have not asked anything yet."
          hasMore={mine.hasNextPage}
          onMore={() => void mine.fetchNextPage()}
          render={card}
        />
      ) : (
        <QuestionList
          questions={list.questions}
          loading={list.isPending}
          empty={
            view === 'OPEN' ? 'No open questions yet. Be the first to ask!' : 'Nothing has been answered yet.'
          }
          hasMore={list.hasNextPage}
          onMore={() => void list.fetchNextPage()}
          render={card}
        />
      )}
    </main>
  );
}
