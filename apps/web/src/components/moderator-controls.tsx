import type { Question, Tag } from '@pulsestage/contracts';
import { type FormEvent, type RefObject, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFailureNotice } from '../lib/failure';
import type { Where } from '../lib/questions';
import { sendOnLeave, trpc } from '../trpc';
import { ConfirmButton } from './confirm-button';
import { MergePicker } from './merge-picker';
import { useUndo } from './undo-toast';

/** Every moderator action on a meeting's queue, kept by the page so a failure outlives the selection. */
function useModeratorActions() {
  return {
    answer: trpc.question.answer.useMutation(),
    reopen: trpc.question.reopen.useMutation(),
    edit: trpc.question.edit.useMutation(),
    hide: trpc.question.hide.useMutation(),
    restore: trpc.question.restore.useMutation(),
    tag: trpc.question.tag.useMutation(),
    untag: trpc.question.untag.useMutation(),
    pin: trpc.question.pin.useMutation(),
    approve: trpc.question.approve.useMutation(),
    reject: trpc.question.reject.useMutation(),
    merge: trpc.question.merge.useMutation(),
    freeze: trpc.queue.freeze.useMutation(),
  };
}

/**
 * The moderator's actions with their safety nets: pinning, pausing, hiding, editing and answering live
 * are done at once and offered back (Undo); a first written answer is held back for the undo window,
 * because once sent it cannot be taken back. `failure` is the newest failure in plain words, while it applies.
 */
export function useModeration(where: Where) {
  const { t } = useTranslation();
  const actions = useModeratorActions();
  const undo = useUndo();
  const failure = useFailureNotice(Object.values(actions), { body: t('moderation.questionField') });
  const ids = (question: Question) => ({ ...where, questionId: question.id });
  const setPinned = (question: Question, pinned: boolean) => actions.pin.mutate({ ...ids(question), pinned });
  const setFrozen = (frozen: boolean) => actions.freeze.mutate({ ...where, frozen });
  const setAnswer = (question: Question, responseText: string | null) =>
    actions.answer.mutate({ ...ids(question), responseText });
  /** Runs `mutation` now and, once it succeeded, offers `revert` as its Undo. */
  const undoable = <Input,>(
    mutation: { mutate(input: Input, options: { onSuccess(): void }): void },
    input: Input,
    message: string,
    revert: () => void,
  ) => mutation.mutate(input, { onSuccess: () => undo.offer({ message, undo: revert }) });
  return {
    actions,
    undo,
    failure,
    where,
    ids,
    togglePin(question: Question) {
      const pinned = !question.pinned;
      undoable(
        actions.pin,
        { ...ids(question), pinned },
        t(pinned ? 'moderation.undo.pinned' : 'moderation.undo.unpinned'),
        () => setPinned(question, !pinned),
      );
    },
    /** Puts `next` on screen in place of `current` (the presenter keys); undo brings `current` back. */
    present(next: Question, current: Question | undefined) {
      if (next.id === current?.id) return;
      if (current) setPinned(current, false);
      undoable(actions.pin, { ...ids(next), pinned: true }, t('moderation.undo.onScreen'), () => {
        setPinned(next, false);
        if (current) setPinned(current, true);
      });
    },
    toggleFreeze(frozen: boolean) {
      undoable(
        actions.freeze,
        { ...where, frozen: !frozen },
        t(frozen ? 'moderation.undo.resumed' : 'moderation.undo.paused'),
        () => setFrozen(frozen),
      );
    },
    edit(question: Question, body: string) {
      undoable(actions.edit, { ...ids(question), body }, t('moderation.undo.edited'), () =>
        actions.edit.mutate({ ...ids(question), body: question.body }),
      );
    },
    hide(question: Question) {
      undoable(actions.hide, ids(question), t('moderation.undo.hidden'), () =>
        actions.restore.mutate(ids(question)),
      );
    },
    restore(question: Question) {
      undoable(actions.restore, ids(question), t('moderation.undo.restored'), () =>
        actions.hide.mutate(ids(question)),
      );
    },
    answerLive(question: Question) {
      undoable(
        actions.answer,
        { ...ids(question), responseText: null },
        t('moderation.undo.answeredLive'),
        () => actions.reopen.mutate(ids(question)),
      );
    },
    reopen(question: Question) {
      const previous = question.responseText;
      undoable(actions.reopen, ids(question), t('moderation.undo.reopened'), () =>
        setAnswer(question, previous),
      );
    },
    answer(question: Question, responseText: string) {
      const previous = question.status === 'ANSWERED' ? question.responseText : undefined;
      if (previous === undefined) {
        undo.offer({
          message: t('moderation.undo.sending'),
          undo: () => {},
          commit: () => setAnswer(question, responseText),
          commitOnLeave: () => sendOnLeave('question', 'answer', { ...ids(question), responseText }),
        });
        return;
      }
      undoable(actions.answer, { ...ids(question), responseText }, t('moderation.undo.answerSaved'), () =>
        setAnswer(question, previous),
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

/** The question's text, editable in place: typos, merged wording. */
function EditText({ question, onSave }: { question: Question; onSave(body: string): void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(question.body);
  const bodyId = useId();
  if (!editing) {
    return (
      <button
        type="button"
        className={`${button} text-slate-700 ring-slate-300`}
        onClick={() => {
          setBody(question.body);
          setEditing(true);
        }}
      >
        {t('moderation.editText')}
      </button>
    );
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onSave(body);
    setEditing(false);
  };
  return (
    <form onSubmit={onSubmit} className="basis-full">
      <label
        htmlFor={bodyId}
        className="mb-1 block text-xs font-semibold uppercase tracking-wide text-slate-500"
      >
        {t('moderation.questionText')}
      </label>
      <textarea
        id={bodyId}
        rows={3}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={(event) => event.key === 'Escape' && setEditing(false)}
        className="w-full rounded-xl border-0 p-3 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      />
      <div className="mt-2 flex gap-2">
        <button
          type="submit"
          disabled={body.trim().length === 0 || body.trim() === question.body}
          className={`${button} bg-indigo-600 text-white ring-indigo-600`}
        >
          {t('moderation.saveText')}
        </button>
        <button
          type="button"
          className={`${button} text-slate-700 ring-slate-300`}
          onClick={() => setEditing(false)}
        >
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Approve or reject a question waiting for review. */
function ReviewButtons({ question, moderation }: { question: Question; moderation: Moderation }) {
  const { t } = useTranslation();
  const ids = moderation.ids(question);
  return (
    <>
      <button
        type="button"
        className={`${button} bg-emerald-600 text-white ring-emerald-600`}
        onClick={() => moderation.actions.approve.mutate(ids)}
      >
        {t('moderation.approve')}
      </button>
      <ConfirmButton
        label={t('moderation.reject')}
        warning={t('moderation.rejectWarning')}
        className={`${button} text-rose-700 ring-rose-300`}
        onConfirm={() => moderation.actions.reject.mutate(ids)}
      />
    </>
  );
}

/** Pin, hide, and answered live or reopen, for a published question. */
function QueueButtons({ question, moderation }: { question: Question; moderation: Moderation }) {
  const { t } = useTranslation();
  return (
    <>
      <button
        type="button"
        aria-pressed={question.pinned}
        className={`${button} ${question.pinned ? 'bg-amber-100 text-amber-900 ring-amber-300' : 'text-slate-700 ring-slate-300'}`}
        onClick={() => moderation.togglePin(question)}
      >
        {t(question.pinned ? 'moderation.unpin' : 'moderation.pin')}{' '}
        <kbd className="ml-1 text-xs text-slate-500">t</kbd>
      </button>
      {question.status === 'ANSWERED' ? (
        <button
          type="button"
          className={`${button} text-slate-700 ring-slate-300`}
          onClick={() => moderation.reopen(question)}
        >
          {t('meetings.reopen')}
        </button>
      ) : (
        <>
          <button
            type="button"
            className={`${button} text-emerald-800 ring-emerald-300`}
            onClick={() => moderation.answerLive(question)}
          >
            {t('question.answeredLive')} <kbd className="ml-1 text-xs text-slate-500">l</kbd>
          </button>
          <MergePicker
            question={question}
            where={moderation.where}
            onMerge={(duplicate, target) =>
              moderation.actions.merge.mutate({ ...moderation.ids(duplicate), intoQuestionId: target.id })
            }
          />
        </>
      )}
      <button
        type="button"
        className={`${button} text-slate-700 ring-slate-300`}
        onClick={() => moderation.hide(question)}
      >
        {t('moderation.hide')} <kbd className="ml-1 text-xs text-slate-500">h</kbd>
      </button>
    </>
  );
}

/** The answer box: a first answer, or a change to the answer given. */
function AnswerForm({ question, answerBox, moderation }: Omit<ModeratorControlsProps, 'tags'>) {
  const { t } = useTranslation();
  const [responseText, setResponseText] = useState(question.responseText ?? '');
  const answerId = useId();
  useEffect(() => setResponseText(question.responseText ?? ''), [question.responseText]);
  const answered = question.status === 'ANSWERED';
  const onAnswer = (event: FormEvent) => {
    event.preventDefault();
    moderation.answer(question, responseText);
  };
  return (
    <form onSubmit={onAnswer} className="mt-3">
      <label
        htmlFor={answerId}
        className="mb-1 block text-xs font-semibold uppercase tracking-wide text-slate-500"
      >
        {t(answered ? 'moderation.editAnswer' : 'question.answer')} <kbd className="text-slate-500">a</kbd>
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
        placeholder={t('moderation.answerPlaceholder')}
        className="w-full rounded-xl border-0 p-3 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      />
      <button
        type="submit"
        disabled={moderation.actions.answer.isPending || responseText.trim().length === 0}
        className="mt-2 rounded-xl bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-300"
      >
        {t(answered ? 'moderation.saveAnswer' : 'moderation.sendAnswer')}
      </button>
    </form>
  );
}

function TagPicker({
  question,
  tags,
  moderation,
}: Pick<ModeratorControlsProps, 'question' | 'tags' | 'moderation'>) {
  const { t } = useTranslation();
  const ids = moderation.ids(question);
  const { actions } = moderation;
  if (tags.length === 0) return null;
  return (
    <fieldset className="mt-3">
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
        {t('moderation.tags')}
      </legend>
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
  );
}

/**
 * What a moderator can do to the selected question: approve or reject it, answer it (with text or
 * live), reopen it, merge it into the question it repeats, edit its text, tag, pin, hide it, or
 * restore it once hidden.
 */
export function ModeratorControls({ question, tags, answerBox, moderation }: ModeratorControlsProps) {
  const { t } = useTranslation();
  const reviewing = question.status === 'UNDER_REVIEW';
  const edit = (
    <EditText key={question.id} question={question} onSave={(body) => moderation.edit(question, body)} />
  );
  if (question.hidden) {
    return (
      <div className="mt-3 flex flex-wrap gap-2 border-t border-slate-200 pt-3">
        <button
          type="button"
          className={`${button} bg-indigo-600 text-white ring-indigo-600`}
          onClick={() => moderation.restore(question)}
        >
          {t('moderation.restore')}
        </button>
        {edit}
      </div>
    );
  }
  return (
    <div className="mt-3 border-t border-slate-200 pt-3">
      <div className="flex flex-wrap gap-2">
        {reviewing ? (
          <ReviewButtons question={question} moderation={moderation} />
        ) : (
          <QueueButtons question={question} moderation={moderation} />
        )}
        {edit}
      </div>
      <TagPicker question={question} tags={tags} moderation={moderation} />
      {!reviewing && <AnswerForm question={question} answerBox={answerBox} moderation={moderation} />}
    </div>
  );
}
