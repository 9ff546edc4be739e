import type { OwnQuestion, Question } from '@pulsestage/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { queryShowing } from '../lib/list-state';
import { useTimeAgo } from '../lib/time';
import { TagChip } from './tag-chip';

/** A question as any list holds it; the caller's own list also says whether it was rejected or merged. */
export type CardQuestion = Question & Partial<Pick<OwnQuestion, 'rejectedAt' | 'mergedAt' | 'mergedInto'>>;

/** "3 minutes ago", kept current while on screen. */
function TimeAgo({ iso }: { iso: string }) {
  return <time dateTime={iso}>{useTimeAgo(iso)}</time>;
}

function StatusBadge({ question }: { question: CardQuestion }) {
  const { t } = useTranslation();
  if (question.mergedAt) {
    return (
      <span className="rounded-full bg-indigo-100 px-2 py-0.5 font-semibold text-indigo-900">
        {t('similar.mergedBadge')}
      </span>
    );
  }
  if (question.rejectedAt) {
    return (
      <span className="rounded-full bg-rose-100 px-2 py-0.5 font-semibold text-rose-900">
        {t('question.rejected')}
      </span>
    );
  }
  if (question.hidden) {
    return (
      <span className="rounded-full bg-slate-200 px-2 py-0.5 font-semibold text-slate-800">
        {t('question.hidden')}
      </span>
    );
  }
  if (question.status === 'ANSWERED' && !question.responseText) {
    return (
      <span className="rounded-full bg-emerald-100 px-2 py-0.5 font-semibold text-emerald-900">
        {t('question.answeredLive')}
      </span>
    );
  }
  if (question.status !== 'UNDER_REVIEW') return null;
  return (
    <span className="rounded-full bg-sky-100 px-2 py-0.5 font-semibold text-sky-900">
      {t('question.awaitingReview')}
    </span>
  );
}

/** Where a merged question went: its upvotes, and its author's, count there now. */
function MergedInto({ target }: { target: NonNullable<CardQuestion['mergedInto']> }) {
  const { t } = useTranslation();
  return (
    <p className="mt-2 text-sm text-slate-700" data-testid="merged-into">
      {t('similar.mergedInto')}{' '}
      <Link
        to={{ search: queryShowing(target) }}
        className="font-medium text-indigo-700 underline hover:text-indigo-800"
      >
        “{target.body}”
      </Link>
    </p>
  );
}

interface QuestionCardProps {
  question: CardQuestion;
  teamName?: string | undefined;
  own?: boolean;
  /** The vote control, on the left. */
  leading?: ReactNode;
  /** Moderator controls, below the question. */
  children?: ReactNode;
  selected?: boolean;
}

export function QuestionCard({ question, teamName, own, leading, children, selected }: QuestionCardProps) {
  const { t } = useTranslation();
  return (
    <article
      data-question-id={question.id}
      aria-current={selected ? 'true' : undefined}
      className={`flex gap-4 rounded-2xl bg-white p-4 shadow-sm ring-1 ${
        selected ? 'ring-2 ring-indigo-500' : 'ring-slate-200'
      }`}
    >
      {leading}
      <div className="min-w-0 flex-1">
        <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
          {question.pinned && (
            <span className="rounded-full bg-amber-100 px-2 py-0.5 font-semibold text-amber-900">
              {t('question.pinned')}
            </span>
          )}
          <StatusBadge question={question} />
          {own && (
            <span className="rounded-full bg-slate-100 px-2 py-0.5 font-semibold text-slate-700">
              {t('question.yours')}
            </span>
          )}
          {teamName && <span>{teamName}</span>}
          <TimeAgo iso={question.submittedAt} />
          {question.editedAt && <span data-testid="edited">{t('question.edited')}</span>}
        </div>
        <p className="whitespace-pre-wrap break-words text-base text-slate-900" data-testid="question-body">
          {question.body}
        </p>
        {question.mergedInto && <MergedInto target={question.mergedInto} />}
        {question.rejectedAt && <p className="mt-2 text-sm text-slate-600">{t('question.onlyYou')}</p>}
        {question.tags.length > 0 && (
          <div className="mt-2 flex flex-wrap gap-1.5">
            {question.tags.map((tag) => (
              <TagChip key={tag.id} tag={tag} />
            ))}
          </div>
        )}
        {question.status === 'ANSWERED' && question.responseText && (
          <div className="mt-3 rounded-xl bg-emerald-50 p-3 text-sm text-emerald-950" data-testid="answer">
            <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-emerald-800">
              {t('question.answer')}
              {question.answeredAt && (
                <>
                  {' · '}
                  <TimeAgo iso={question.answeredAt} />
                </>
              )}
            </p>
            <p className="whitespace-pre-wrap">{question.responseText}</p>
          </div>
        )}
        {children}
      </div>
    </article>
  );
}
