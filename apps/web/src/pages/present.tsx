import type { Question } from '@pulsestage/contracts';
import { useRef } from 'react';
import { ConnectionIndicator } from '../components/connection-indicator';
import { JoinCode, useJoinUrl } from '../components/display/join-code';
import { Invitation, Spotlight } from '../components/display/spotlight';
import { useWholeChildren } from '../lib/fit';
import { useFlip } from '../lib/flip';
import { useQuestionList } from '../lib/questions';
import { useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

const UPCOMING = 4;

function Upcoming({ questions }: { questions: Question[] }) {
  const container = useRef<HTMLOListElement>(null);
  const order = questions.map((question) => `${question.id}:${question.upvoteCount}`).join();
  useFlip(container, questions.map((question) => question.id).join());
  useWholeChildren(container, order);
  if (questions.length === 0)
    return <p className="text-[min(3vh,4vw)] text-slate-400">No other open questions.</p>;
  return (
    <ol
      ref={container}
      className="flex min-h-0 flex-1 flex-col gap-[1.5vh] overflow-hidden"
      aria-label="Up next"
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
              votes
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
  if (!question) return null;
  return (
    <section
      aria-labelledby="just-asked"
      data-testid="just-asked"
      className="flex shrink-0 items-baseline gap-[2vw] border-t border-white/10 pt-[2vh] text-[min(2.6vh,3.5vw)]"
    >
      <h2 id="just-asked" className="font-semibold tracking-widest whitespace-nowrap text-sky-300 uppercase">
        Just asked
      </h2>
      <p className="line-clamp-1 min-w-0 flex-1 text-slate-200 wrap-anywhere">{question.body}</p>
      <span className="whitespace-nowrap text-slate-400 tabular-nums">▲ {question.upvoteCount}</span>
    </section>
  );
}

/** `/t/:tenant/present`: the big screen. Dark, large and high-contrast; it follows the room live for hours. */
export default function Present() {
  const tenant = useTenant();
  const slug = tenant.slug;
  const joinUrl = useJoinUrl(slug);
  const queue = trpc.queue.state.useQuery({ tenant: slug });
  const open = useQuestionList({ tenant: slug, status: 'OPEN', sort: 'top' });
  const byId = new Map(open.questions.map((question) => [question.id, question]));
  const spotlightId = queue.data?.pinnedQuestionIds.find((id) => byId.has(id));
  const spotlight = spotlightId ? byId.get(spotlightId) : undefined;
  const upcoming = open.questions.filter((question) => question.id !== spotlightId).slice(0, UPCOMING);
  const shown = new Set([spotlightId, ...upcoming.map((question) => question.id)]);
  const justAsked = open.questions
    .filter((question) => !shown.has(question.id))
    .reduce<Question | undefined>(
      (newest, question) => (newest && newest.submittedAt >= question.submittedAt ? newest : question),
      undefined,
    );
  return (
    <div className="flex min-h-dvh flex-col gap-[3vh] bg-slate-950 px-[2.5vw] py-[3vh] text-white md:h-dvh md:overflow-hidden">
      <header className="flex shrink-0 items-center gap-6">
        <h1 className="truncate text-[clamp(1.5rem,3.4vh,2.5rem)] font-bold">{tenant.name}</h1>
        {queue.data?.frozen && (
          <span
            role="status"
            data-testid="display-frozen"
            className="rounded-full bg-sky-400 px-4 py-1.5 text-[clamp(1rem,2.2vh,1.5rem)] font-semibold whitespace-nowrap text-slate-950"
          >
            ❄ Questions closed
          </span>
        )}
        <div className="ml-auto flex shrink-0 items-center gap-4">
          <ConnectionIndicator dark />
          <button
            type="button"
            onClick={() => void document.documentElement.requestFullscreen?.()}
            className="rounded-lg px-3 py-1.5 text-sm text-slate-300 ring-1 ring-white/20 hover:bg-white/10"
          >
            Full screen
          </button>
        </div>
      </header>
      <main className="grid min-h-0 flex-1 gap-[2.5vw] md:grid-cols-[minmax(0,1fr)_auto]">
        <div className="flex min-h-0 min-w-0 flex-col gap-[3vh]">
          {spotlight ? <Spotlight question={spotlight} /> : <Invitation joinUrl={joinUrl} />}
          <section aria-labelledby="up-next" className="flex min-h-0 flex-1 flex-col" data-testid="up-next">
            <h2
              id="up-next"
              className="mb-[1.5vh] shrink-0 text-[clamp(1rem,2.2vh,1.5rem)] font-semibold tracking-widest text-slate-400 uppercase"
            >
              {spotlight ? 'Up next' : 'Top questions'}
            </h2>
            <Upcoming questions={upcoming} />
          </section>
          <JustAsked question={justAsked} />
        </div>
        <aside className="flex justify-center md:items-start">
          <JoinCode url={joinUrl} />
        </aside>
      </main>
    </div>
  );
}
