import type { Question } from '@pulsestage/contracts';
import { useTranslation } from 'react-i18next';

interface VoteButtonProps {
  question: Question;
  /** The caller asked this question: people cannot upvote their own. */
  own: boolean;
  disabled: boolean;
  onToggle(question: Question): void;
}

export function VoteButton({ question, own, disabled, onToggle }: VoteButtonProps) {
  const { t } = useTranslation();
  const voted = question.upvotedByMe;
  // Read out around the visible count, so the name a screen reader speaks contains what is on screen.
  const action = t(own ? 'question.vote.own' : voted ? 'question.vote.remove' : 'question.vote.upvote');
  return (
    <button
      type="button"
      aria-pressed={own ? undefined : voted}
      title={own ? t('question.vote.ownTitle') : undefined}
      disabled={disabled || own}
      onClick={() => onToggle(question)}
      data-testid="vote"
      className={`flex min-w-14 flex-col items-center rounded-xl px-3 py-2 ring-1 transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed ${
        voted
          ? 'bg-indigo-600 text-white ring-indigo-600'
          : 'bg-white text-slate-700 ring-slate-300 hover:ring-indigo-400 disabled:hover:ring-slate-300'
      }`}
    >
      <svg viewBox="0 0 20 20" className="size-4" aria-hidden fill="currentColor">
        <path d="M10 3l7 9h-4v5H7v-5H3z" fillOpacity={voted ? 1 : 0.35} />
      </svg>
      <span className="sr-only">{action} </span>
      <span className="text-lg font-semibold tabular-nums" data-testid="vote-count">
        {question.upvoteCount}
      </span>
      <span className="sr-only"> {t('question.vote.upvotes', { count: question.upvoteCount })}</span>
    </button>
  );
}
