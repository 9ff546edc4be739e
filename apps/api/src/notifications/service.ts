import type {
  AnswerEmailSetting,
  NotificationPage,
  notificationEmailLinkInput,
  notificationListInput,
  notificationMarkReadInput,
  questionNotifyInput,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database } from '../db/schema.js';
import { notFound } from '../errors.js';
import { hashLinkToken } from '../mail/link-tokens.js';
import { changeQuestion } from '../questions/change.js';
import { decodeCursor, encodeCursor } from '../questions/cursor.js';
import {
  countUnread,
  findAnswerEmailSetting,
  findTokenOwner,
  markRead,
  type Recipient,
  selectNotifications,
  setNotifyAuthor,
  updateAnswerEmails,
} from './repository.js';
import { canBeEmailed, checkFound, checkIsAuthor } from './rules.js';

const recipientOf = ({ tenant, actor }: TenantAccess): Recipient => ({
  tenantId: tenant.id,
  userId: actor.id,
});

export async function setQuestionNotify(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof questionNotifyInput>,
) {
  return changeQuestion(db, access, input, async (trx, question) => {
    checkIsAuthor(question, access.actor);
    await setNotifyAuthor(trx, question.id, input.notify);
    return { events: [], result: { questionId: question.id, notifyWhenAnswered: input.notify } };
  });
}

export async function listNotifications(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof notificationListInput>,
): Promise<NotificationPage> {
  const recipient = recipientOf(access);
  const after = input.cursor ? decodeCursor(input.cursor, 'notifications') : undefined;
  const rows = await selectNotifications(
    db,
    recipient,
    after && { createdAt: after[1], id: after[2] },
    input.limit + 1,
  );
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > input.limit && last ? encodeCursor(['notifications', last.createdAt, last.id]) : null;
  return { items, nextCursor, unreadCount: await countUnread(db, recipient) };
}

export async function countUnreadNotifications(db: Database, access: TenantAccess) {
  return { unreadCount: await countUnread(db, recipientOf(access)) };
}

export async function markNotificationsRead(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof notificationMarkReadInput>,
) {
  const recipient = recipientOf(access);
  const marked = await markRead(db, recipient, input.notificationId, new Date().toISOString());
  if (input.notificationId) checkFound(marked);
  return { unreadCount: await countUnread(db, recipient) };
}

export async function readAnswerEmailSetting(db: Database, userId: string): Promise<AnswerEmailSetting> {
  const user = await findAnswerEmailSetting(db, userId);
  if (!user) throw notFound('Account not found');
  const available = canBeEmailed(user);
  return { enabled: available && user.answerEmails === 1, available };
}

export async function setAnswerEmails(
  db: Database,
  userId: string,
  enabled: boolean,
): Promise<AnswerEmailSetting> {
  await updateAnswerEmails(db, userId, enabled);
  return readAnswerEmailSetting(db, userId);
}

/** A "Turn off these emails" link: the token from the email is the credential, no sign-in needed. */
export async function setAnswerEmailsByLink(db: Database, input: z.infer<typeof notificationEmailLinkInput>) {
  const owner = await findTokenOwner(db, hashLinkToken(input.token));
  if (!owner) throw notFound('This link is not valid: it may have been copied incompletely');
  await updateAnswerEmails(db, owner.userId, input.enabled);
  return { enabled: input.enabled, tenantName: owner.tenantName };
}
