import type { Question, QuestionListInput } from '@pulsestage/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useMemo } from 'react';
import { type Pages, visibleQuestions } from '../live/question-lists';
import { trpc } from '../trpc';

export type ListQuery = Omit<QuestionListInput, 'limit' | 'cursor' | 'sort'> & { sort: 'top' | 'newest' };

const PAGE_SIZE = 50;

/** A live question list: the first page at once, more on demand, kept current by the tab's live events. */
export function useQuestionList(query: ListQuery) {
  const result = trpc.question.list.useInfiniteQuery(
    { ...query, limit: PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: (previous) => previous },
  );
  const questions = useMemo(
    () => visibleQuestions(result.data as Pages | undefined, query.sort),
    [result.data, query.sort],
  );
  return { ...result, questions };
}

/** Changes one question wherever the cache holds it: every list of the tenant, and the caller's own. */
function patchEverywhere(
  queryClient: ReturnType<typeof useQueryClient>,
  tenant: string,
  questionId: string,
  change: (question: Question) => Question,
): void {
  const patchItems = (items: Question[]) =>
    items.map((item) => (item.id === questionId ? change(item) : item));
  queryClient.setQueriesData<Pages>(
    { queryKey: getQueryKey(trpc.question.list, { tenant }, 'infinite') },
    (list) =>
      list && { ...list, pages: list.pages.map((page) => ({ ...page, items: patchItems(page.items) })) },
  );
  queryClient.setQueriesData<Question[]>(
    { queryKey: getQueryKey(trpc.question.mine, { tenant }, 'query') },
    (own) => own && patchItems(own),
  );
}

interface VoteChange {
  question: Question;
  upvote: boolean;
}

/**
 * Upvotes or removes an upvote at once on screen; the server's answer then sets the true count, and a
 * refusal puts the vote back as it was and reloads the counts.
 */
export function useVoteToggle(tenant: string, onRefused: (error: unknown) => void) {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const vote = (question: Question, upvote: boolean, delta: number) =>
    patchEverywhere(queryClient, tenant, question.id, (item) => ({
      ...item,
      upvotedByMe: upvote,
      upvoteCount: Math.max(0, item.upvoteCount + delta),
    }));
  return useMutation({
    mutationFn: ({ question, upvote }: VoteChange) => {
      const input = { tenant, questionId: question.id };
      return upvote
        ? utils.client.question.upvote.mutate(input)
        : utils.client.question.removeUpvote.mutate(input);
    },
    onMutate: ({ question, upvote }) => vote(question, upvote, upvote ? 1 : -1),
    onSuccess: (result) =>
      patchEverywhere(queryClient, tenant, result.questionId, (item) => ({
        ...item,
        upvotedByMe: result.upvotedByMe,
        upvoteCount: result.upvoteCount,
      })),
    onError: (error, { question, upvote }) => {
      vote(question, !upvote, upvote ? -1 : 1);
      void utils.question.list.invalidate({ tenant });
      onRefused(error);
    },
  });
}
