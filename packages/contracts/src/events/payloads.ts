import { z } from 'zod';
import { hexColor, isoDateTime, language, meetingCode, meetingState, uuid } from '../primitives.js';

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

/** Version 2 adds the tenant's submit and upvote limits per person per minute. */
export const tenantUpdatedV2 = z.strictObject({
  name: z.string(),
  settings: tenantUpdatedV1.shape.settings.extend({
    submitLimitPerMinute: z.number().int(),
    upvoteLimitPerMinute: z.number().int(),
  }),
});

/** Version 3 adds the tenant's default language for the web app (null: each browser's own). */
export const tenantUpdatedV3 = z.strictObject({
  name: z.string(),
  settings: tenantUpdatedV2.shape.settings.extend({ defaultLanguage: language.nullable() }),
});

/** Version 2 of the question families: the same payload plus the meeting the question belongs to. */
const inMeeting = { meetingId: uuid };

export const questionCreatedV2 = z.strictObject({ ...inMeeting, ...questionCreatedV1.shape });
export const questionUpvotedV2 = z.strictObject({ ...inMeeting, ...questionUpvotedV1.shape });
/** `responseText` is null when a moderator marks the question answered live, without text. */
export const questionAnsweredV3 = z.strictObject({
  ...inMeeting,
  ...questionAnsweredV2.shape,
  responseText: z.string().nullable(),
});
export const questionTaggedV2 = z.strictObject({ ...inMeeting, ...questionTaggedV1.shape });
export const questionUntaggedV2 = z.strictObject({ ...inMeeting, ...questionUntaggedV1.shape });
export const questionPinnedV2 = z.strictObject({ ...inMeeting, ...questionPinnedV1.shape });
/** The meeting's pause: no new questions while frozen. */
export const questionFrozenV2 = z.strictObject({ ...inMeeting, ...questionFrozenV1.shape });
export const questionRemovedV2 = z.strictObject({ ...inMeeting, ...questionRemovedV1.shape });
export const questionPendingV2 = z.strictObject({ ...inMeeting, ...questionPendingV1.shape });

/** A moderator or the author changed a question's text. */
export const questionEditedV1 = z.strictObject({ ...inMeeting, questionId: uuid, body: z.string() });
/** Hidden questions leave every screen but the moderators'; restored ones come back. */
export const questionHiddenV1 = z.strictObject({ ...inMeeting, questionId: uuid });
export const questionRestoredV1 = z.strictObject({ ...inMeeting, questionId: uuid });
/** An answered question is open again. */
export const questionReopenedV1 = z.strictObject({ ...inMeeting, questionId: uuid });

/** What everyone in the tenant may know of a meeting; every `meeting:*` event carries it as it is now. */
export const meetingPublicV1 = z.strictObject({
  id: uuid,
  title: z.string(),
  description: z.string().nullable(),
  code: meetingCode,
  state: meetingState,
  paused: z.boolean(),
  opensAt: isoDateTime.nullable(),
  closesAt: isoDateTime.nullable(),
  requireApproval: z.boolean().nullable(),
  allowGuests: z.boolean().nullable(),
});

/** How many people watch a meeting right now, across instances; sent live, never stored. */
export const meetingPresenceV1 = z.strictObject({
  meetingId: uuid,
  watching: z.number().int().nonnegative(),
});

export const heartbeatV1 = z.strictObject({ timestamp: z.number().int() });

export const streamResyncV1 = z.strictObject({ reason: z.string() });

/**
 * One anonymous pulse answer, for admins and owners only. `teamId` and `cohortName` stay null while that
 * team or cohort has fewer answers to the question this round than the tenant's threshold, so the stream
 * never shows what the results hide; `submittedAt` is truncated to the hour.
 */
export const pulseResponseRecordedV1 = z.strictObject({
  questionId: uuid,
  teamId: uuid.nullable(),
  score: z.number().int().min(0).max(10),
  cohortName: z.string().nullable(),
  submittedAt: isoDateTime,
});

/** A cohort's members were invited to a check-in (local date `YYYY-MM-DD`); they look for it in the app. */
export const checkinOpenedV1 = z.strictObject({
  cohortName: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
