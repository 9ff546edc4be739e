import type { Tenant } from '@pulsestage/contracts';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { usePublicOrigin } from '../lib/public-url';
import { trpc } from '../trpc';

function Step({ done, title, children }: { done: boolean; title: string; children: ReactNode }) {
  return (
    <li className="flex gap-3">
      <span
        aria-hidden
        className={`mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full text-sm font-bold ${
          done ? 'bg-emerald-600 text-white' : 'ring-2 ring-slate-300'
        }`}
      >
        {done ? '✓' : ''}
      </span>
      <div className="min-w-0">
        <p className="font-medium">
          {title}
          {done && <span className="sr-only"> (done)</span>}
        </p>
        <div className="text-sm text-slate-600">{children}</div>
      </div>
    </li>
  );
}

/**
 * What a new organization needs before its first session, ticked off as it happens: people invited
 * with the join link, the display open on the room's screen, and a moderator to help.
 */
export function FirstSteps({ tenant, onDone }: { tenant: Tenant; onDone(): void }) {
  const slug = tenant.slug;
  const origin = usePublicOrigin();
  const joinCode = trpc.tenant.joinCode.useQuery({ tenant: slug });
  const members = trpc.tenant.members.useQuery({ tenant: slug });
  const others = members.data?.filter((member) => member.role !== 'owner') ?? [];
  const joinUrl = origin && joinCode.data ? `${origin}/join/${joinCode.data.code}` : null;
  return (
    <section
      aria-labelledby="first-steps"
      className="rounded-2xl bg-indigo-50 p-5 ring-1 ring-indigo-200 lg:col-span-2"
    >
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <h2 id="first-steps" className="text-lg font-semibold">
          {tenant.name} is ready: three steps before the first session
        </h2>
        <button
          type="button"
          onClick={onDone}
          className="ml-auto rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-indigo-300 hover:bg-white"
        >
          Hide these steps
        </button>
      </div>
      <ol className="flex flex-col gap-4">
        <Step done={others.length > 0} title="Invite people with the join link">
          {joinUrl ? (
            <code className="break-all text-indigo-900">{joinUrl}</code>
          ) : (
            'Create a join link under Join and display links, then share it.'
          )}{' '}
          Anyone who opens it can join and ask questions.
        </Step>
        <Step done={false} title="Open the display on the screen in the room">
          <Link to={`/t/${slug}/present`} className="font-medium text-indigo-700 underline">
            Open the presenter display
          </Link>
          , or create a display link for a screen that is not signed in.
        </Step>
        <Step
          done={others.some((member) => member.role !== 'member')}
          title="Add a moderator to answer and tag with you"
        >
          Once a colleague has joined, choose “moderator” as their role under Members.
        </Step>
      </ol>
    </section>
  );
}
