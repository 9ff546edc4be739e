import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFailureNotice } from '../lib/failure';
import { useVoteToggle, type Where } from '../lib/questions';
import { useSimilarQuestions } from '../lib/similar';
import { ErrorNotice } from './notice';
import { VoteButton } from './vote-button';

interface SimilarSuggestionsProps {
  where: Where;
  /** What the person is typing. */
  text: string;
}

/**
 * Under the submit box: open questions that already say what is being typed, each with its count and
 * a one-tap upvote, so people join a question instead of asking it again.
 */
export function SimilarSuggestions({ where, text }: SimilarSuggestionsProps) {
  const { t } = useTranslation();
  const similar = useSimilarQuestions(where, text);
  const vote = useVoteToggle(where);
  const failure = useFailureNotice([vote]);
  const headingId = useId();
  if (similar.length === 0) return null;
  return (
    <section aria-labelledby={headingId} data-testid="similar-questions" className="mt-4">
      <h3 id={headingId} className="text-sm font-semibold text-slate-800">
        {t('similar.heading')}
      </h3>
      <ul className="mt-2 flex flex-col gap-2">
        {similar.map((question) => (
          <li
            key={question.id}
            data-question-id={question.id}
            className="flex items-center gap-3 rounded-xl bg-slate-50 p-2 ring-1 ring-slate-200"
          >
            <VoteButton
              question={question}
              own={question.mine}
              disabled={vote.isPending && vote.variables?.question.id === question.id}
              onToggle={(target) => vote.mutate({ question: target, upvote: !target.upvotedByMe })}
            />
            <p className="min-w-0 flex-1 whitespace-pre-wrap break-words text-sm text-slate-900">
              {question.body}
            </p>
          </li>
        ))}
      </ul>
      <ErrorNotice message={failure} className="mt-2" />
    </section>
  );
}
