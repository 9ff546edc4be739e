import type { Question } from '@pulsestage/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFailureNotice } from '../lib/failure';
import type { Where } from '../lib/questions';
import { trpc } from '../trpc';
import { ConfirmButton } from './confirm-button';
import { ErrorNotice } from './notice';

const button =
  'rounded-lg px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50';

/** Whether its author may still change a question: open or waiting for review, unanswered, meeting open. */
export const editableByAuthor = (question: Question, meetingOpen: boolean) =>
  meetingOpen && (question.status === 'OPEN' || question.status === 'UNDER_REVIEW') && !question.hidden;

interface OwnQuestionControlsProps {
  question: Question;
  where: Where;
  /** Approval is on: an edited question is reviewed again before others see it. */
  reviewed: boolean;
}

/** The author edits or withdraws their own question while nobody has answered it. */
export function OwnQuestionControls({ question, where, reviewed }: OwnQuestionControlsProps) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(question.body);
  const bodyId = useId();
  const utils = trpc.useUtils();
  const reload = () => void utils.question.mine.invalidate(where);
  const edit = trpc.question.edit.useMutation({ onSuccess: () => setEditing(false), onSettled: reload });
  const withdraw = trpc.question.withdraw.useMutation({ onSettled: reload });
  const failure = useFailureNotice([edit, withdraw], { body: t('ownQuestion.label') });
  const ids = { ...where, questionId: question.id };
  const onSave = (event: FormEvent) => {
    event.preventDefault();
    edit.mutate({ ...ids, body });
  };
  return (
    <div className="mt-3 flex flex-col gap-2">
      {editing ? (
        <form onSubmit={onSave} className="flex flex-col gap-2">
          <label htmlFor={bodyId} className="text-xs font-semibold uppercase tracking-wide text-slate-500">
            {t('ownQuestion.label')}
          </label>
          <textarea
            id={bodyId}
            rows={3}
            value={body}
            onChange={(event) => setBody(event.target.value)}
            className="w-full rounded-xl border-0 p-3 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
          />
          {reviewed && question.status === 'OPEN' && (
            <p className="text-sm text-slate-600" data-testid="edit-review-notice">
              {t('ownQuestion.reviewAgain')}
            </p>
          )}
          <div className="flex gap-2">
            <button
              type="submit"
              disabled={edit.isPending || body.trim().length === 0}
              className={`${button} bg-indigo-600 text-white ring-indigo-600`}
            >
              {t('common.save')}
            </button>
            <button type="button" className={button} onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            className={button}
            onClick={() => {
              setBody(question.body);
              setEditing(true);
            }}
          >
            {t('common.edit')}
          </button>
          <ConfirmButton
            label={t('ownQuestion.withdraw')}
            warning={t('ownQuestion.withdrawWarning')}
            className={`${button} text-rose-700 ring-rose-300`}
            onConfirm={() => withdraw.mutate(ids)}
          />
        </div>
      )}
      <ErrorNotice message={failure} className="" />
    </div>
  );
}
