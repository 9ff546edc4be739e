import type { Question, Tag } from '@pulsestage/contracts';
import { type FormEvent, type RefObject, useEffect, useId, useState } from 'react';
import { errorMessage } from '../lib/errors';
import { trpc } from '../trpc';

interface ModeratorControlsProps {
  tenant: string;
  question: Question;
  tags: Tag[];
  answerBox: RefObject<HTMLTextAreaElement | null>;
}

const button =
  'rounded-lg px-3 py-1.5 text-sm font-medium ring-1 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50';

/** What a moderator can do to the selected question: answer, tag, pin, approve or reject. */
export function ModeratorControls({ tenant, question, tags, answerBox }: ModeratorControlsProps) {
  const [responseText, setResponseText] = useState(question.responseText ?? '');
  const answerId = useId();
  useEffect(() => setResponseText(question.responseText ?? ''), [question.responseText]);
  const answer = trpc.question.answer.useMutation();
  const tag = trpc.question.tag.useMutation();
  const untag = trpc.question.untag.useMutation();
  const pin = trpc.question.pin.useMutation();
  const approve = trpc.question.approve.useMutation();
  const reject = trpc.question.reject.useMutation();
  const failed = [answer, tag, untag, pin, approve, reject].find((mutation) => mutation.isError);
  const ids = { tenant, questionId: question.id };
  const reviewing = question.status === 'UNDER_REVIEW';

  const onAnswer = (event: FormEvent) => {
    event.preventDefault();
    answer.mutate({ ...ids, responseText });
  };

  return (
    <div className="mt-3 border-t border-slate-200 pt-3">
      {failed && (
        <p role="alert" className="mb-2 text-sm font-medium text-rose-700">
          {errorMessage(failed.error)}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        {reviewing ? (
          <>
            <button
              type="button"
              className={`${button} bg-emerald-600 text-white ring-emerald-600`}
              onClick={() => approve.mutate(ids)}
            >
              Approve
            </button>
            <button
              type="button"
              className={`${button} text-rose-700 ring-rose-300`}
              onClick={() => reject.mutate(ids)}
            >
              Reject
            </button>
          </>
        ) : (
          <button
            type="button"
            aria-pressed={question.pinned}
            className={`${button} ${question.pinned ? 'bg-amber-100 text-amber-900 ring-amber-300' : 'text-slate-700 ring-slate-300'}`}
            onClick={() => pin.mutate({ ...ids, pinned: !question.pinned })}
          >
            {question.pinned ? 'Unpin' : 'Pin'} <kbd className="ml-1 text-xs text-slate-500">p</kbd>
          </button>
        )}
      </div>
      {tags.length > 0 && (
        <fieldset className="mt-3">
          <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Tags</legend>
          <div className="flex flex-wrap gap-1.5">
            {tags.map((candidate) => {
              const on = question.tags.some((existing) => existing.id === candidate.id);
              return (
                <button
                  key={candidate.id}
                  type="button"
                  aria-pressed={on}
                  onClick={() => (on ? untag : tag).mutate({ ...ids, tagId: candidate.id })}
                  className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium ring-1 ${
                    on ? 'bg-slate-900 text-white ring-slate-900' : 'text-slate-700 ring-slate-300'
                  }`}
                >
                  <span
                    className="size-2 rounded-full"
                    style={{ backgroundColor: candidate.color }}
                    aria-hidden
                  />
                  {on ? '✓ ' : ''}
                  {candidate.name}
                </button>
              );
            })}
          </div>
        </fieldset>
      )}
      {!reviewing && (
        <form onSubmit={onAnswer} className="mt-3">
          <label
            htmlFor={answerId}
            className="mb-1 block text-xs font-semibold uppercase tracking-wide text-slate-500"
          >
            {question.status === 'ANSWERED' ? 'Edit the answer' : 'Answer'}{' '}
            <kbd className="text-slate-500">a</kbd>
          </label>
          <textarea
            id={answerId}
            ref={answerBox}
            rows={3}
            value={responseText}
            onChange={(event) => setResponseText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') event.currentTarget.blur();
              if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) onAnswer(event);
            }}
            placeholder="Type the answer; Ctrl+Enter sends it"
            className="w-full rounded-xl border-0 p-3 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
          />
          <button
            type="submit"
            disabled={answer.isPending || responseText.trim().length === 0}
            className="mt-2 rounded-xl bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300"
          >
            {question.status === 'ANSWERED' ? 'Save answer' : 'Mark answered'}
          </button>
        </form>
      )}
    </div>
  );
}
