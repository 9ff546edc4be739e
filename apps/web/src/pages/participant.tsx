import type { OwnQuestion, Question } from '@pulsestage/contracts';
import { useTranslation } from 'react-i18next';
import { FilterBar } from '../components/filter-bar';
import { FrozenBanner } from '../components/frozen-banner';
import { MeetingHeader, MeetingStateBanner } from '../components/meeting-header';
import { ErrorNotice } from '../components/notice';
import { NotifyToggle } from '../components/notify-toggle';
import { editableByAuthor, OwnQuestionControls } from '../components/own-question-controls';
import { PulseCheckins } from '../components/pulse-card';
import { type CardQuestion, QuestionCard } from '../components/question-card';
import { QuestionList } from '../components/question-list';
import { SubmitForm } from '../components/submit-form';
import { Tabs } from '../components/tabs';
import { VoteButton } from '../components/vote-button';
import { useFailureNotice } from '../lib/failure';
import { useListState } from '../lib/list-state';
import { useMeeting } from '../lib/meeting';
import { useOwnQuestions, useQuestionList, useVoteToggle } from '../lib/questions';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

type View = 'OPEN' | 'ANSWERED' | 'MINE';
const TABS = { open: 'OPEN', answered: 'ANSWERED', mine: 'MINE' } as const;
/** An archive opens on its answers. */
const ARCHIVE_TABS = { answered: 'ANSWERED', open: 'OPEN', mine: 'MINE' } as const;

/** `/t/:tenant/m/:meeting`: ask, upvote and follow the answers, live; once the meeting ends, its archive. */
export function Participant() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const meeting = useMeeting();
  const where = { tenant: tenant.slug, meetingId: meeting.id };
  const open = meeting.state === 'open';
  const archive = meeting.state === 'closed';
  const participates = hasRole(tenant, 'member');
  const { view, filters, setView, setFilters } = useListState<View>(archive ? ARCHIVE_TABS : TABS);
  const teams = trpc.team.list.useQuery({ tenant: tenant.slug });
  const tags = trpc.tag.list.useQuery({ tenant: tenant.slug });
  const mine = useOwnQuestions(where, participates, view === 'MINE');
  const list = useQuestionList({ ...where, status: view === 'ANSWERED' ? 'ANSWERED' : 'OPEN', ...filters });
  const vote = useVoteToggle(where);
  const voteFailure = useFailureNotice([vote]);
  // Questions asked here since the lists loaded carry no `mine` flag yet: the own list knows them.
  const ownById = new Map(mine.questions.map((question) => [question.id, question]));
  const isOwn = (question: Question) => question.mine || ownById.has(question.id);
  // Until it is answered, its author may still choose to be told when it is.
  const notifyChoice = (own: OwnQuestion | undefined) =>
    own && own.rejectedAt === null && own.status !== 'ANSWERED' && participates ? (
      <NotifyToggle question={own} where={where} />
    ) : null;
  const teamName = (id: string | null) => teams.data?.find((team) => team.id === id)?.name;

  const card = (question: CardQuestion) => (
    <QuestionCard
      question={question}
      teamName={teamName(question.teamId)}
      own={isOwn(question)}
      leading={
        participates && open && question.status !== 'UNDER_REVIEW' && !question.rejectedAt ? (
          <VoteButton
            question={question}
            own={isOwn(question)}
            disabled={vote.isPending && vote.variables?.question.id === question.id}
            onToggle={(target) => vote.mutate({ question: target, upvote: !target.upvotedByMe })}
          />
        ) : undefined
      }
    >
      {isOwn(question) && !question.rejectedAt && editableByAuthor(question, open) && (
        <OwnQuestionControls question={question} where={where} reviewed={meeting.effective.requireApproval} />
      )}
      {notifyChoice(ownById.get(question.id))}
    </QuestionCard>
  );

  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-4 px-4 py-6">
      <MeetingHeader meeting={meeting} />
      <MeetingStateBanner meeting={meeting} />
      <PulseCheckins />
      {open && meeting.paused && <FrozenBanner />}
      {participates && open && <SubmitForm tenant={tenant} meeting={meeting} teams={teams.data ?? []} />}
      {meeting.state !== 'scheduled' && (
        <>
          <Tabs<View>
            label={t('participant.show')}
            value={view}
            onChange={setView}
            tabs={[
              ...(archive
                ? [
                    { value: 'ANSWERED' as const, label: t('participant.answered') },
                    { value: 'OPEN' as const, label: t('participant.notAnswered') },
                  ]
                : [
                    { value: 'OPEN' as const, label: t('participant.open') },
                    { value: 'ANSWERED' as const, label: t('participant.answered') },
                  ]),
              ...(participates
                ? [
                    {
                      value: 'MINE' as const,
                      label: t('participant.mine'),
                      count: mine.data && !mine.hasNextPage ? mine.questions.length : undefined,
                    },
                  ]
                : []),
            ]}
          />
          {view !== 'MINE' && (
            <FilterBar
              teams={teams.data ?? []}
              tags={tags.data ?? []}
              value={filters}
              onChange={setFilters}
            />
          )}
          <ErrorNotice message={voteFailure} className="" />
          {view === 'MINE' ? (
            <QuestionList
              questions={mine.questions.filter((question) => !question.hidden)}
              loading={mine.isPending}
              empty={t('participant.emptyMine')}
              hasMore={mine.hasNextPage}
              onMore={() => void mine.fetchNextPage()}
              render={card}
            />
          ) : (
            <QuestionList
              questions={list.questions}
              loading={list.isPending}
              empty={t(`participant.empty.${view}.${archive ? 'archive' : 'live'}`)}
              hasMore={list.hasNextPage}
              onMore={() => void list.fetchNextPage()}
              render={card}
            />
          )}
        </>
      )}
    </main>
  );
}
