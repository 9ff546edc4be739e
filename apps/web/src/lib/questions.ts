import type { Question, QuestionListInput } from '@pulsestage/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useEffect, useMemo } from 'react';
import { type OwnPages, type Pages, visibleQuestions } from '../live/question-lists';
import { trpc } from '../trpc';

export type ListQuery = Omit<QuestionListInput, 'limit' | 'cursor' | 'sort'> & { sort: 'top' | 'newest' };

const PAGE_SIZE = 50;

/** The meeting a question belongs to, in its tenant: what every question call names. */
export interface Where {
  tenant: string;
  meetingId: string;
}

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

/**
 * The caller's own questions, newest first, page by page. Other devices of the same person ask too,
 * and a rejection under review reaches moderators only: so the list loads again each time it is
 * `shown` and whenever the browser tab regains focus while it is.
 */
export function useOwnQuestions(where: Where, enabled: boolean, shown: boolean) {
  const result = trpc.question.mine.useInfiniteQuery(
    { ...where, limit: PAGE_SIZE },
    {
      enabled,
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      refetchOnWindowFocus: shown ? 'always' : false,
    },
  );
  const { refetch } = result;
  useEffect(() => {
    // Joins a load already under way (the first one, say) instead of starting another.
    if (enabled && shown) void refetch({ cancelRefetch: false });
  }, [enabled, shown, refetch]);
  const questions = useMemo(() => result.data?.pages.flatMap((page) => page.items) ?? [], [result.data]);
  return { ...result, questions };
}

/**
 * Changes one question wherever the cache holds it: every list of the meeting, the caller's own, and
 * the similar questions offered while typing.
 */
function patchEverywhere(
  queryClient: ReturnType<typeof useQueryClient>,
  where: Where,
  questionId: string,
  change: (question: Question) => Question,
): void {
  const patchItems = <Item extends Question>(items: Item[]) =>
    items.map((item) => (item.id === questionId ? { ...item, ...change(item) } : item));
  queryClient.setQueriesData<Pages>(
    { queryKey: getQueryKey(trpc.question.list, where, 'infinite') },
    (list) =>
      list && { ...list, pages: list.pages.map((page) => ({ ...page, items: patchItems(page.items) })) },
  );
  queryClient.setQueriesData<OwnPages>(
    { queryKey: getQueryKey(trpc.question.mine, where, 'infinite') },
    (own) => own && { ...own, pages: own.pages.map((page) => ({ ...page, items: patchItems(page.items) })) },
  );
  queryClient.setQueriesData<Question[]>(
    { queryKey: getQueryKey(trpc.question.similar, where, 'query') },
    (similar) => similar && patchItems(similar),
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
export function useVoteToggle(where: Where) {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const vote = (question: Question, upvote: boolean, delta: number) =>
    patchEverywhere(queryClient, where, question.id, (item) => ({
      ...item,
      upvotedByMe: upvote,
      upvoteCount: Math.max(0, item.upvoteCount + delta),
    }));
  return useMutation({
    mutationFn: ({ question, upvote }: VoteChange) => {
      const input = { ...where, questionId: question.id };
      return upvote
        ? utils.client.question.upvote.mutate(input)
        : utils.client.question.removeUpvote.mutate(input);
    },
    onMutate: ({ question, upvote }) => vote(question, upvote, upvote ? 1 : -1),
    onSuccess: (result) =>
      patchEverywhere(queryClient, where, result.questionId, (item) => ({
        ...item,
        upvotedByMe: result.upvotedByMe,
        upvoteCount: result.upvoteCount,
      })),
    onError: (_error, { question, upvote }) => {
      vote(question, !upvote, upvote ? -1 : 1);
      void utils.question.list.invalidate(where);
    },
  });
}
