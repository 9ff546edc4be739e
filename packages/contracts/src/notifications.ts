import { z } from 'zod';
import { mergeTarget } from './domain.js';
import { questionInput, tenantScoped } from './inputs.js';
import { isoDateTime, uuid } from './primitives.js';

/** How much of the answer a notification shows; the question page has the rest. */
export const NOTIFICATION_ANSWER_PREVIEW = 200;

/** What happened to one's own question: it was answered, or a moderator merged it into a similar one. */
export const notificationKind = z.enum(['answered', 'merged']);
export type NotificationKind = z.infer<typeof notificationKind>;

/** One's own question was answered or merged: what it asked, what became of it, and where to see it. */
export const notification = z.object({
  id: uuid,
  kind: notificationKind,
  meetingId: uuid,
  questionId: uuid,
  questionText: z.string(),
  /** The answer's first characters; null when it was answered live, in the room, or merged. */
  answerPreview: z.string().nullable(),
  /** Where a merged question's votes went, while everyone can see it; null otherwise. */
  mergedInto: mergeTarget.nullable(),
  createdAt: isoDateTime,
  read: z.boolean(),
});
export type Notification = z.infer<typeof notification>;

export const unreadNotifications = z.object({ unreadCount: z.number().int().nonnegative() });

/** `notification.list`: the caller's own notifications in the tenant, newest first. */
export const notificationPage = unreadNotifications.extend({
  items: z.array(notification),
  nextCursor: z.string().nullable(),
});
export type NotificationPage = z.infer<typeof notificationPage>;

export const notificationListInput = tenantScoped.extend({
  limit: z.number().int().min(1).max(50).default(20),
  cursor: z.string().max(256).optional(),
  /** Sent by tRPC's infinite queries; pages only go forward. */
  direction: z.literal('forward').optional(),
});

/** Without `notificationId`, every notification of the caller in the tenant is marked read. */
export const notificationMarkReadInput = tenantScoped.extend({ notificationId: uuid.optional() });

/** The author's choice, on their own question, of being told when it is answered. */
export const questionNotifyInput = questionInput.extend({ notify: z.boolean() });
export const questionNotifySetting = z.object({ questionId: uuid, notifyWhenAnswered: z.boolean() });

/** The token of an email's "Turn off these emails" link. */
export const notificationEmailToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{20,128}$/, 'is not a link from a notification email');
export const notificationEmailLinkInput = z.strictObject({
  token: notificationEmailToken,
  enabled: z.boolean(),
});

/** Emails when one's question is answered; `available` is false for guests and without a mail server. */
export const answerEmailSetting = z.object({ enabled: z.boolean(), available: z.boolean() });
export type AnswerEmailSetting = z.infer<typeof answerEmailSetting>;
export const answerEmailInput = z.strictObject({ enabled: z.boolean() });
/** What a "Turn off these emails" link set, for its page. */
export const answerEmailLinkResult = z.object({ enabled: z.boolean(), tenantName: z.string() });
