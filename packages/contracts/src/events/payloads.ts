import { z } from 'zod';
import { hexColor, isoDateTime, uuid } from '../primitives.js';

export const questionCreatedV1 = z.strictObject({
  id: uuid,
  body: z.string(),
  teamId: uuid.nullable(),
  status: z.literal('OPEN'),
  upvoteCount: z.number().int().nonnegative(),
  submittedAt: isoDateTime,
});

export const questionUpvotedV1 = z.strictObject({
  questionId: uuid,
  upvoteCount: z.number().int().nonnegative(),
});

export const questionAnsweredV1 = z.strictObject({
  id: uuid,
  status: z.literal('ANSWERED'),
  responseText: z.string(),
});

export const questionAnsweredV2 = z.strictObject({
  ...questionAnsweredV1.shape,
  answeredAt: isoDateTime,
  teamId: uuid.nullable(),
});

export const questionTaggedV1 = z.strictObject({
  questionId: uuid,
  tag: z.strictObject({ id: uuid, name: z.string(), color: hexColor }),
});

export const questionUntaggedV1 = z.strictObject({ questionId: uuid, tagId: uuid });

export const questionPinnedV1 = z.strictObject({ questionId: uuid, pinned: z.boolean() });

export const questionFrozenV1 = z.strictObject({ frozen: z.boolean() });

export const questionRemovedV1 = z.strictObject({ questionId: uuid });

export const questionPendingV1 = z.strictObject({
  id: uuid,
  body: z.string(),
  teamId: uuid.nullable(),
  submittedAt: isoDateTime,
});

/** A tenant's name or settings changed; the payload is all of them as they are now. */
export const tenantUpdatedV1 = z.strictObject({
  name: z.string(),
  settings: z.strictObject({
    requireApproval: z.boolean(),
    allowGuests: z.boolean(),
    minQuestionLength: z.number().int(),
    maxQuestionLength: z.number().int(),
  }),
});

export const heartbeatV1 = z.strictObject({ timestamp: z.number().int() });

export const streamResyncV1 = z.strictObject({ reason: z.string() });
