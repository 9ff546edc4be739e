import type { UpvoteResult } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import { GroupCommit } from '../db/group-commit.js';
import type { Database } from '../db/schema.js';
import type { QuestionRef } from './change.js';
import { commitVotes, type VoteRequest } from './votes.js';

/** How many vote requests of one tenant one transaction takes at most, unless configured. */
export const UPVOTE_GROUP_MAX_DEFAULT = 256;
/** The most that may be configured: a group's statements stay far below both databases' parameter limits. */
export const UPVOTE_GROUP_MAX_LIMIT = 1000;

/**
 * Upvotes and their removals, committed in groups per tenant: those that arrive while the tenant's
 * previous group commits go together in one transaction, with one reservation of sequence numbers, and
 * the group is announced once (`announce`) before its callers get their answers.
 */
export class VoteBatcher {
  private readonly groups: GroupCommit<VoteRequest, UpvoteResult>;

  constructor(
    db: Database,
    announce: (tenantId: string) => Promise<void>,
    maxGroupSize = UPVOTE_GROUP_MAX_DEFAULT,
  ) {
    this.groups = new GroupCommit({
      maxGroupSize,
      commit: (tenantId, requests) => commitVotes(db, tenantId, requests),
      afterCommit: async (tenantId, outcomes) => {
        if (outcomes.some((outcome) => outcome.ok)) await announce(tenantId);
      },
    });
  }

  upvote(access: TenantAccess, ref: QuestionRef): Promise<UpvoteResult> {
    return this.vote({ access, ref, change: 'upvote' });
  }

  removeUpvote(access: TenantAccess, ref: QuestionRef): Promise<UpvoteResult> {
    return this.vote({ access, ref, change: 'removeUpvote' });
  }

  private vote(request: VoteRequest): Promise<UpvoteResult> {
    return this.groups.submit(request.access.tenant.id, request);
  }
}
