import type { Meeting, Question } from '@pulsestage/contracts';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ConnectionIndicator } from '../components/connection-indicator';
import { JoinCode, useMeetingJoinUrl } from '../components/display/join-code';
import { Invitation, Spotlight } from '../components/display/spotlight';
import { useModeration } from '../components/moderator-controls';
import { PresenceCount } from '../components/presence-count';
import { useWholeChildren } from '../lib/fit';
import { useFlip } from '../lib/flip';
import { useMeeting } from '../lib/meeting';
import { formatMeetingTime } from '../lib/meetings';
import { spotlightOf } from '../lib/presenter';
import { usePresenterKeys } from '../lib/presenter-keys';
import { useQuestionList } from '../lib/questions';
import { useShortcuts } from '../lib/shortcuts';
import { hasRole, useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

const UPCOMING = 4;

function Upcoming({ questions }: { questions: Question[] }) {
  const { t } = useTranslation();
  const container = useRef<HTMLOListElement>(null);
  const order = questions.map((question) => `${question.id}:${question.upvoteCount}`).join();
  useFlip(container, questions.map((question) => question.id).join());
  useWholeChildren(container, order);
  if (questions.length === 0)
    return <p className="text-[min(3vh,4vw)] text-slate-400">{t('present.noOthers')}</p>;
  return (
    <ol
      ref={container}
      className="flex min-h-0 flex-1 flex-col gap-[1.5vh] overflow-hidden"
      aria-label={t('present.upNext')}
      data-testid="upcoming"
    >
      {questions.map((question) => (
        <li
          key={question.id}
          data-flip-key={question.id}
          data-question-id={question.id}
          className="flex shrink-0 items-start gap-[2vw] rounded-2xl bg-white/5 px-[1.5vw] py-[1.5vh]"
        >
          <span
            className="min-w-[2.5em] text-center text-[min(4vh,4vw)] leading-none font-bold text-white tabular-nums"
            data-testid="vote-count"
          >
            {question.upvoteCount}
            <span className="mt-1 block text-[clamp(0.75rem,1.4vh,1rem)] font-medium tracking-wide text-slate-400 uppercase">
              {t('moderation.votes', { count: question.upvoteCount })}
            </span>
          </span>
          <span
            className="line-clamp-2 min-w-0 text-[min(3vh,4vw)] leading-snug text-slate-100 wrap-anywhere"
            data-testid="question-body"
          >
            {question.body}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The newest question not already on screen, so the room sees each new question arrive. */
function JustAsked({ question }: { question: Question | undefined }) {
  const { t } = useTranslation();
  if (!question) return null;
  return (
    <section
      aria-labelledby="just-asked"
      data-testid="just-asked"
      className="flex shrink-0 items-baseline gap-[2vw] border-t border-white/10 pt-[2vh] text-[min(2.6vh,3.5vw)]"
    >
      <h2 id="just-asked" className="font-semibold tracking-widest whitespace-nowrap text-sky-300 uppercase">
        {t('present.justAsked')}
      </h2>
      <p className="line-clamp-1 min-w-0 flex-1 text-slate-200 wrap-anywhere">{question.body}</p>
      <span className="whitespace-nowrap text-slate-400 tabular-nums">▲ {question.upvoteCount}</span>
    </section>
  );
}

/** Why the screen shows no queue: the meeting has not opened yet, or it has ended. */
function NotLive({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation();
  const scheduled = meeting.state === 'scheduled';
  return (
    <section
      data-testid={scheduled ? 'display-scheduled' : 'display-ended'}
      className="flex min-h-0 flex-1 flex-col justify-center gap-[2vh]"
    >
      <p className="text-[min(6vh,6vw)] leading-tight font-semibold text-white">
        {t(scheduled ? 'present.startingSoon' : 'meeting.ended')}
      </p>
      <p className="text-[min(3.2vh,4vw)] text-slate-300">
        {scheduled
          ? meeting.opensAt
            ? t('present.opensAt', { time: formatMeetingTime(meeting.opensAt) })
            : t('present.opensShortly')
          : t('present.thanks')}
      </p>
    </section>
  );
}

/** The queue while the meeting is open: the pinned question or an invitation, what comes next, what just came in. */
function LiveQueue({ joinUrl, presenterKeys }: { joinUrl: string | undefined; presenterKeys: boolean }) {
  const { t } = useTranslation();
  const tenant = useTenant();
  const meeting = useMeeting();
  const where = { tenant: tenant.slug, meetingId: meeting.id };
  const queue = trpc.queue.state.useQuery(where);
  const open = useQuestionList({ ...where, status: 'OPEN', sort: 'top' });
  const spotlight = spotlightOf(queue.data, open.questions);
  const moderation = useModeration(where);
  const keys = usePresenterKeys(moderation, open.questions, spotlight);
  useShortcuts(presenterKeys ? keys : {});
  const upcoming = open.questions.filter((question) => question.id !== spotlight?.id).slice(0, UPCOMING);
  const shown = new Set([spotlight?.id, ...upcoming.map((question) => question.id)]);
  const justAsked = open.questions
    .filter((question) => !shown.has(question.id))
    .reduce<Question | undefined>(
      (newest, question) => (newest && newest.submittedAt >= question.submittedAt ? newest : question),
      undefined,
    );
  return (
    <>
      {spotlight ? <Spotlight question={spotlight} /> : <Invitation joinUrl={joinUrl} />}
      <section aria-labelledby="up-next" className="flex min-h-0 flex-1 flex-col" data-testid="up-next">
        <h2
          id="up-next"
          className="mb-[1.5vh] shrink-0 text-[clamp(1rem,2.2vh,1.5rem)] font-semibold tracking-widest text-slate-400 uppercase"
        >
          {t(spotlight ? 'present.upNext' : 'present.top')}
        </h2>
        <Upcoming questions={upcoming} />
      </section>
      <JustAsked question={justAsked} />
    </>
  );
}

/**
 * `/t/:tenant/m/:meeting/present`: the big screen. Dark, large and high-contrast; it follows the room
 * live for hours. Moderators drive it from here too, with the presenter keys.
 */
export default function Present() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const meeting = useMeeting();
  const joinUrl = useMeetingJoinUrl(meeting.code);
  return (
    <div className="flex min-h-dvh flex-col gap-[3vh] bg-slate-950 scheme-light px-[2.5vw] py-[3vh] text-white md:h-dvh md:overflow-hidden">
      <header className="flex shrink-0 items-center gap-6">
        <h1 className="truncate text-[clamp(1.5rem,3.4vh,2.5rem)] font-bold">{meeting.title}</h1>
        {meeting.state === 'open' && meeting.paused && (
          <span
            role="status"
            data-testid="display-frozen"
            className="rounded-full bg-sky-400 px-4 py-1.5 text-[clamp(1rem,2.2vh,1.5rem)] font-semibold whitespace-nowrap text-slate-950"
          >
            {t('present.paused')}
          </span>
        )}
        <div className="ml-auto flex shrink-0 items-center gap-4">
          <PresenceCount
            tenant={tenant.slug}
            meetingId={meeting.id}
            className="text-[clamp(0.875rem,2vh,1.25rem)] text-slate-300"
          />
          <ConnectionIndicator dark />
          <button
            type="button"
            onClick={() => void document.documentElement.requestFullscreen?.()}
            className="rounded-lg px-3 py-1.5 text-sm text-slate-300 ring-1 ring-white/20 hover:bg-white/10"
          >
            {t('present.fullScreen')}
          </button>
        </div>
      </header>
      <main className="grid min-h-0 flex-1 gap-[2.5vw] md:grid-cols-[minmax(0,1fr)_auto]">
        <div className="flex min-h-0 min-w-0 flex-col gap-[3vh]">
          {meeting.state === 'open' ? (
            <LiveQueue joinUrl={joinUrl} presenterKeys={hasRole(tenant, 'moderator')} />
          ) : (
            <NotLive meeting={meeting} />
          )}
        </div>
        <aside className="flex justify-center md:items-start">
          <JoinCode url={joinUrl} code={meeting.code} />
        </aside>
      </main>
    </div>
  );
}
