import type { Question } from '@pulsestage/contracts';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Where } from '../lib/questions';
import { useSimilarQuestions } from '../lib/similar';
import { ConfirmButton } from './confirm-button';

const button =
  'rounded-lg px-3 py-1.5 text-sm font-medium ring-1 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50';

interface MergePickerProps {
  question: Question;
  where: Where;
  onMerge(duplicate: Question, target: Question): void;
}

/** The open questions a duplicate can merge into: those most like its text, or like a search. */
function MergeTargets({ question, where, onMerge }: MergePickerProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const searchId = useId();
  const targets = useSimilarQuestions(where, search.trim() || question.body).filter(
    (candidate) => candidate.id !== question.id,
  );
  return (
    <>
      <label
        htmlFor={searchId}
        className="block text-xs font-semibold uppercase tracking-wide text-slate-500"
      >
        {t('similar.findLabel')}
      </label>
      <input
        id={searchId}
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        placeholder={t('similar.searchPlaceholder')}
        className="mt-1 w-full rounded-xl border-0 p-2 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      />
      {targets.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t('similar.none')}</p>
      ) : (
        <ul className="mt-2 flex flex-col gap-2" aria-label={t('similar.targets')}>
          {targets.map((target) => (
            <li
              key={target.id}
              data-question-id={target.id}
              className="flex flex-col gap-2 rounded-xl bg-white p-2 ring-1 ring-slate-200"
            >
              <p className="break-words text-sm text-slate-900">{target.body}</p>
              <div className="flex flex-wrap items-center gap-2">
                <span className="text-xs tabular-nums text-slate-600">
                  {t('similar.upvotes', { count: target.upvoteCount })}
                </span>
                <ConfirmButton
                  label={t('similar.mergeInto')}
                  warning={t('similar.warning')}
                  className={`${button} text-indigo-700 ring-indigo-300`}
                  onConfirm={() => onMerge(question, target)}
                />
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** "Merge…": folds a duplicate into the open question it repeats, after confirming what will happen. */
export function MergePicker(props: MergePickerProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button
        type="button"
        className={`${button} text-slate-700 ring-slate-300`}
        onClick={() => setOpen(true)}
      >
        {t('similar.merge')}
      </button>
    );
  }
  return (
    <section
      aria-label={t('similar.mergeSection')}
      data-testid="merge-picker"
      className="basis-full rounded-xl bg-slate-50 p-3 ring-1 ring-slate-200"
    >
      <MergeTargets {...props} />
      <button
        type="button"
        className={`${button} mt-2 text-slate-700 ring-slate-300`}
        onClick={() => setOpen(false)}
      >
        {t('common.cancel')}
      </button>
    </section>
  );
}
