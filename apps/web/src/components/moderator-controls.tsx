import type { Question, Tag } from '@pulsestage/contracts';
import { type FormEvent, type RefObject, useEffect, useId, useState } from 'react';
import { useFailureNotice } from '../lib/failure';
import { sendOnLeave, trpc } from '../trpc';
import { ConfirmButton } from './confirm-button';
import { useUndo } from './undo-toast';

/** Every moderator action on the tenant's queue, kept by the page so a failure outlives the selection. */
function useModeratorActions() {
  return {
    answer: trpc.question.answer.useMutation(),
    tag: trpc.question.tag.useMutation(),
    untag: trpc.question.untag.useMutation(),
    pin: trpc.question.pin.useMutation(),
    approve: trpc.question.approve.useMutation(),
    reject: trpc.question.reject.useMutation(),
    freeze: trpc.queue.freeze.useMutation(),
  };
}

/**
 * The moderator's actions with their safety nets: pinning, freezing and editing an answer are done at
 * once and offered back (Undo); a first answer is held back for the undo window, because once sent it
 * cannot be taken back. `failure` is the newest failure in plain words, while it applies.
 */
export function useModeration(tenant: string) {
  const actions = useModeratorActions();
  const undo = useUndo();
  const failure = useFailureNotice(Object.values(actions));
  const ids = (question: Question) => ({ tenant, questionId: question.id });
  const setPinned = (question: Question, pinned: boolean) => actions.pin.mutate({ ...ids(question), pinned });
  const setFrozen = (frozen: boolean) => actions.freeze.mutate({ tenant, frozen });
  const setAnswer = (question: Question, responseText: string) =>
    actions.answer.mutate({ ...ids(question), responseText });
  return {
    actions,
    undo,
    failure,
    ids,
    togglePin(question: Question) {
      const pinned = !question.pinned;
      actions.pin.mutate(
        { ...ids(question), pinned },
        {
          onSuccess: () =>
            undo.offer({ message: pinned ? 'Pinned' : 'Unpinned', undo: () => setPinned(question, !pinned) }),
        },
      );
    },
    toggleFreeze(frozen: boolean) {
      actions.freeze.mutate(
        { tenant, frozen: !frozen },
        {
          onSuccess: () =>
            undo.offer({
              message: frozen ? 'Queue unfrozen' : 'Queue frozen',
              undo: () => setFrozen(frozen),
            }),
        },
      );
    },
    answer(question: Question, responseText: string) {
      const previous = question.status === 'ANSWERED' ? question.responseText : null;
      if (previous === null) {
        undo.offer({
          message: 'Sending the answer',
          undo: () => {},
          commit: () => setAnswer(question, responseText),
          commitOnLeave: () => sendOnLeave('question', 'answer', { ...ids(question), responseText }),
        });
        return;
      }
      actions.answer.mutate(
        { ...ids(question), responseText },
        {
          onSuccess: () => undo.offer({ message: 'Answer saved', undo: () => setAnswer(question, previous) }),
        },
      );
    },
  };
}

type Moderation = ReturnType<typeof useModeration>;

interface ModeratorControlsProps {
  question: Question;
  tags: Tag[];
  answerBox: RefObject<HTMLTextAreaElement | null>;
  moderation: Moderation;
}

const button =
  'rounded-lg px-3 py-1.5 text-sm font-medium ring-1 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50';

/** What a moderator can do to the selected question: answer, tag, pin, approve or reject. */
export function ModeratorControls({ question, tags, answerBox, moderation }: ModeratorControlsProps) {
  const [responseText, setResponseText] = useState(question.responseText ?? '');
  const answerId = useId();
  useEffect(() => setResponseText(question.responseText ?? ''), [question.responseText]);
  const { actions } = moderation;
  const ids = moderation.ids(question);
  const reviewing = question.status === 'UNDER_REVIEW';

  const onAnswer = (event: FormEvent) => {
    event.preventDefault();
    moderation.answer(question, responseText);
  };

  return (
    <div className="mt-3 border-t border-slate-200 pt-3">
      <div className="flex flex-wrap gap-2">
        {reviewing ? (
          <>
            <button
              type="button"
              className={`${button} bg-emerald-600 text-white ring-emerald-600`}
              onClick={() => actions.approve.mutate(ids)}
            >
              Approve
            </button>
            <ConfirmButton
              label="Reject"
              warning="Rejecting removes this question for good."
              className={`${button} text-rose-700 ring-rose-300`}
              onConfirm={() => actions.reject.mutate(ids)}
            />
          </>
        ) : (
          <button
            type="button"
            aria-pressed={question.pinned}
            className={`${button} ${question.pinned ? 'bg-amber-100 text-amber-900 ring-amber-300' : 'text-slate-700 ring-slate-300'}`}
            onClick={() => moderation.togglePin(question)}
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
                  onClick={() => (on ? actions.untag : actions.tag).mutate({ ...ids, tagId: candidate.id })}
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
            disabled={actions.answer.isPending || responseText.trim().length === 0}
            className="mt-2 rounded-xl bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300"
          >
            {question.status === 'ANSWERED' ? 'Save answer' : 'Mark answered'}
          </button>
        </form>
      )}
    </div>
  );
}
