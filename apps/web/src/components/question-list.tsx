import type { Question } from '@pulsestage/contracts';
import { type ReactNode, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFlip } from '../lib/flip';

interface QuestionListProps<Item extends Question> {
  questions: Item[];
  empty: string;
  loading: boolean;
  hasMore?: boolean;
  onMore?: () => void;
  render(question: Item): ReactNode;
}

/** The questions in order, sliding into their new places when votes reorder them. */
export function QuestionList<Item extends Question>({
  questions,
  empty,
  loading,
  hasMore,
  onMore,
  render,
}: QuestionListProps<Item>) {
  const { t } = useTranslation();
  const container = useRef<HTMLOListElement>(null);
  useFlip(container, questions.map((question) => question.id).join());
  if (loading) return <p className="p-6 text-center text-slate-500">{t('question.loading')}</p>;
  return (
    <>
      {questions.length === 0 ? (
        <p className="rounded-2xl border border-dashed border-slate-300 p-8 text-center text-slate-500">
          {empty}
        </p>
      ) : (
        <ol ref={container} className="flex flex-col gap-3" aria-label={t('question.list')}>
          {questions.map((question) => (
            <li key={question.id} data-flip-key={question.id}>
              {render(question)}
            </li>
          ))}
        </ol>
      )}
      {hasMore && onMore && (
        <button
          type="button"
          onClick={onMore}
          className="mx-auto mt-4 block rounded-xl px-4 py-2 text-sm font-medium text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50"
        >
          {t('common.showMore')}
        </button>
      )}
    </>
  );
}
