import type { Question } from '@pulsestage/contracts';
import { QRCodeSVG } from 'qrcode.react';
import { useRef } from 'react';
import { ConnectionIndicator } from '../components/connection-indicator';
import { TagChip } from '../components/tag-chip';
import { useFlip } from '../lib/flip';
import { useQuestionList } from '../lib/questions';
import { useTenant } from '../lib/tenant';
import { trpc } from '../trpc';

const UPCOMING = 4;
const JOIN_CODE_REFRESH_MS = 60_000;

function Spotlight({ question }: { question: Question | undefined }) {
  if (!question) {
    return (
      <p className="text-3xl text-slate-400" data-testid="spotlight-empty">
        Pin a question to put it in the spotlight.
      </p>
    );
  }
  return (
    <figure data-testid="spotlight" className="rounded-3xl bg-white/5 p-10 ring-2 ring-amber-300/70">
      <p className="mb-4 text-xl font-semibold uppercase tracking-widest text-amber-300">Now answering</p>
      <blockquote className="text-5xl leading-tight font-semibold text-balance text-white xl:text-6xl">
        {question.body}
      </blockquote>
      <figcaption className="mt-6 flex items-center gap-4 text-2xl text-slate-300">
        <span className="tabular-nums">▲ {question.upvoteCount} votes</span>
        {question.tags.map((tag) => (
          <TagChip key={tag.id} tag={tag} dark />
        ))}
      </figcaption>
    </figure>
  );
}

function Upcoming({ questions }: { questions: Question[] }) {
  const container = useRef<HTMLOListElement>(null);
  useFlip(container, questions.map((question) => question.id).join());
  if (questions.length === 0) return <p className="text-2xl text-slate-400">No other open questions.</p>;
  return (
    <ol ref={container} className="flex flex-col gap-4" aria-label="Up next" data-testid="upcoming">
      {questions.map((question) => (
        <li
          key={question.id}
          data-flip-key={question.id}
          data-question-id={question.id}
          className="flex items-start gap-6 rounded-2xl bg-white/5 p-5"
        >
          <span
            className="min-w-20 text-center text-4xl font-bold text-white tabular-nums"
            data-testid="vote-count"
          >
            {question.upvoteCount}
            <span className="block text-sm font-medium tracking-wide text-slate-400 uppercase">votes</span>
          </span>
          <span className="text-3xl leading-snug text-slate-100" data-testid="question-body">
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
      className="flex items-baseline gap-6 border-t border-white/10 pt-6"
    >
      <h2
        id="just-asked"
        className="text-lg font-semibold tracking-widest whitespace-nowrap text-sky-300 uppercase"
      >
        Just asked
      </h2>
      <p className="text-2xl text-slate-200">{question.body}</p>
      <span className="ml-auto text-2xl whitespace-nowrap text-slate-400 tabular-nums">
        ▲ {question.upvoteCount}
      </span>
    </section>
  );
}

function JoinCode({ tenant }: { tenant: string }) {
  // Links change without an event; a screen that runs for hours picks up a new or revoked one.
  const code = trpc.tenant.joinCode.useQuery({ tenant }, { refetchInterval: JOIN_CODE_REFRESH_MS });
  if (!code.data) return null;
  const url = `${window.location.origin}/join/${code.data.code}`;
  return (
    <div
      className="flex flex-col items-center gap-3 rounded-3xl bg-white p-5 text-slate-900"
      data-testid="join-qr"
    >
      <QRCodeSVG value={url} size={208} marginSize={0} title="Join link" />
      <p className="text-center text-lg font-semibold">Scan to ask</p>
      <p className="max-w-56 text-center text-sm break-all text-slate-600">{url}</p>
    </div>
  );
}

/** `/t/:tenant/present`: the big screen. Dark, large and high-contrast; it follows the room live for hours. */
export default function Present() {
  const tenant = useTenant();
  const slug = tenant.slug;
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
    <div className="min-h-dvh bg-slate-950 px-10 py-8 text-white">
      <header className="mb-10 flex items-center gap-6">
        <h1 className="text-3xl font-bold">{tenant.name}</h1>
        {queue.data?.frozen && (
          <span
            role="status"
            data-testid="display-frozen"
            className="rounded-full bg-sky-400 px-4 py-1.5 text-xl font-semibold text-slate-950"
          >
            ❄ Questions closed
          </span>
        )}
        <div className="ml-auto flex items-center gap-4">
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
      <main className="grid gap-10 xl:grid-cols-[1fr_16rem]">
        <div className="flex flex-col gap-10">
          <Spotlight question={spotlight} />
          <section aria-labelledby="up-next">
            <h2 id="up-next" className="mb-4 text-xl font-semibold tracking-widest text-slate-400 uppercase">
              Up next
            </h2>
            <Upcoming questions={upcoming} />
          </section>
          <JustAsked question={justAsked} />
        </div>
        <aside>
          <JoinCode tenant={slug} />
        </aside>
      </main>
    </div>
  );
}
