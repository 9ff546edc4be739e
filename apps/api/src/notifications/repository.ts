import {
  type MergeTarget,
  NOTIFICATION_ANSWER_PREVIEW,
  type Notification,
  type NotificationKind,
} from '@pulsestage/contracts';
import type { ExpressionBuilder } from 'kysely';
import type { DatabaseSchema, Executor } from '../db/schema.js';
import { findMergeTargets } from '../questions/repository.js';

/** Whom a notification is for: one person in one tenant. */
export interface Recipient {
  tenantId: string;
  userId: string;
}

/**
 * The notification of what became of a question, for its author if they are a person (a service token
 * has no one to tell): of its answer only if they asked for one, of its merge always. Its email waits in
 * the queue when they asked, can be emailed and want to be; a question is notified once, whatever
 * answers follow, and a merged question is never answered.
 */
export async function insertNotification(
  trx: Executor,
  tenantId: string,
  questionId: string,
  kind: NotificationKind,
  createdAt: string,
): Promise<void> {
  await trx
    .insertInto('notifications')
    .columns(['id', 'tenantId', 'userId', 'questionId', 'kind', 'createdAt', 'emailState', 'emailAttempts'])
    .expression((eb) =>
      eb
        .selectFrom('questions')
        .innerJoin('users', 'users.id', 'questions.authorId')
        .where('questions.tenantId', '=', tenantId)
        .where('questions.id', '=', questionId)
        .$if(kind === 'answered', (query) => query.where('questions.notifyAuthor', '=', 1))
        .select((inner) => [
          inner.val(crypto.randomUUID()).as('id'),
          'questions.tenantId',
          'users.id as userId',
          'questions.id as questionId',
          inner.val(kind).as('kind'),
          inner.val(createdAt).as('createdAt'),
          inner
            .case()
            .when(
              inner.and([
                inner('questions.notifyAuthor', '=', 1),
                inner('users.guest', '=', 0),
                inner('users.email', 'is not', null),
                inner('users.answerEmails', '=', 1),
              ]),
            )
            .then('pending')
            .else('none')
            .end()
            .as('emailState'),
          inner.val(0).as('emailAttempts'),
        ]),
    )
    .onConflict((oc) => oc.column('questionId').doNothing())
    .execute();
}

export async function setNotifyAuthor(trx: Executor, questionId: string, notify: boolean): Promise<void> {
  await trx
    .updateTable('questions')
    .set({ notifyAuthor: notify ? 1 : 0 })
    .where('id', '=', questionId)
    .execute();
}

function recipientsNotifications(db: Executor, recipient: Recipient) {
  return db
    .selectFrom('notifications')
    .where('notifications.tenantId', '=', recipient.tenantId)
    .where('notifications.userId', '=', recipient.userId);
}

export async function countUnread(db: Executor, recipient: Recipient): Promise<number> {
  const row = await recipientsNotifications(db, recipient)
    .where('notifications.readAt', 'is', null)
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** Where a page starts: after this notification, in newest-first order. */
export interface NotificationPosition {
  createdAt: string;
  id: string;
}

/**
 * A question taken down since its notification (deleted, rejected) takes the notification with it; a
 * merged one is taken down by the very merge it was notified of.
 */
function stillNotified(eb: ExpressionBuilder<NotifiedQuestion, 'notifications' | 'questions'>) {
  return eb.or([eb('questions.rejectedAt', 'is', null), eb('notifications.kind', '=', 'merged')]);
}
type NotifiedQuestion = Pick<DatabaseSchema, 'notifications' | 'questions'>;

/** Names the question each merged one joined, while everyone can see it. */
async function withMergeTargets<Row extends { mergedIntoId: string | null }>(
  db: Executor,
  rows: Row[],
): Promise<(Omit<Row, 'mergedIntoId'> & { mergedInto: MergeTarget | null })[]> {
  const targetOf = await findMergeTargets(db, rows);
  return rows.map(({ mergedIntoId, ...row }) => ({ ...row, mergedInto: targetOf(mergedIntoId) }));
}

/**
 * A page of the recipient's notifications, newest first, with the question and the beginning of its
 * answer, or the question it was merged into, as they are now.
 */
export async function selectNotifications(
  db: Executor,
  recipient: Recipient,
  after: NotificationPosition | undefined,
  limit: number,
): Promise<(Notification & NotificationPosition)[]> {
  let query = recipientsNotifications(db, recipient)
    .innerJoin('questions', 'questions.id', 'notifications.questionId')
    .where(stillNotified)
    .select([
      'notifications.id',
      'notifications.kind',
      'notifications.createdAt',
      'notifications.readAt',
      'questions.id as questionId',
      'questions.meetingId',
      'questions.body as questionText',
      'questions.responseText',
      'questions.mergedIntoId',
    ]);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('notifications.createdAt', '<', after.createdAt),
        eb.and([eb('notifications.createdAt', '=', after.createdAt), eb('notifications.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('notifications.createdAt', 'desc')
    .orderBy('notifications.id', 'desc')
    .limit(limit)
    .execute();
  return (await withMergeTargets(db, rows)).map(({ readAt, responseText, ...row }) => ({
    ...row,
    answerPreview: responseText === null ? null : responseText.slice(0, NOTIFICATION_ANSWER_PREVIEW),
    read: readAt !== null,
  }));
}

/** Marks one notification read, or all of them without `notificationId`; true if any was the recipient's. */
export async function markRead(
  db: Executor,
  recipient: Recipient,
  notificationId: string | undefined,
  readAt: string,
): Promise<boolean> {
  let query = db
    .updateTable('notifications')
    .set((eb) => ({ readAt: eb.fn.coalesce('readAt', eb.val(readAt)) }))
    .where('tenantId', '=', recipient.tenantId)
    .where('userId', '=', recipient.userId);
  if (notificationId) query = query.where('id', '=', notificationId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// Emails ------------------------------------------------------------------------------------------

/** A notification whose email is due, with what the email says. */
export interface DueNotificationEmail {
  notificationId: string;
  kind: NotificationKind;
  email: string;
  tenantSlug: string;
  tenantName: string;
  meetingId: string;
  questionText: string;
  responseText: string | null;
  mergedInto: MergeTarget | null;
  attempts: number;
}

/**
 * Due emails of notifications created after `notCreatedBefore` (an answer days old is not worth an
 * email any more), of people who still want them, up to `limit`.
 */
export async function selectDueNotificationEmails(
  db: Executor,
  now: string,
  notCreatedBefore: string,
  limit: number,
): Promise<DueNotificationEmail[]> {
  const rows = await db
    .selectFrom('notifications')
    .innerJoin('users', 'users.id', 'notifications.userId')
    .innerJoin('tenants', 'tenants.id', 'notifications.tenantId')
    .innerJoin('questions', 'questions.id', 'notifications.questionId')
    .select([
      'notifications.id as notificationId',
      'notifications.kind',
      'users.email',
      'tenants.slug as tenantSlug',
      'tenants.name as tenantName',
      'questions.meetingId',
      'questions.body as questionText',
      'questions.responseText',
      'questions.mergedIntoId',
      'notifications.emailAttempts as attempts',
    ])
    .where('notifications.emailState', '=', 'pending')
    .where((eb) =>
      eb.or([eb('notifications.emailNextAt', 'is', null), eb('notifications.emailNextAt', '<=', now)]),
    )
    .where('notifications.createdAt', '>=', notCreatedBefore)
    .where('users.answerEmails', '=', 1)
    .where('users.guest', '=', 0)
    .where('users.email', 'is not', null)
    .where(stillNotified)
    .orderBy('notifications.id')
    .limit(limit)
    .execute();
  return (await withMergeTargets(db, rows)).flatMap(({ email, ...row }) =>
    email ? [{ ...row, email }] : [],
  );
}

/**
 * Takes an email for sending: only while it is still pending and due, so of several instances that
 * found it exactly one gets true. The unsubscribe token's hash is stored in the same update.
 */
export async function claimNotificationEmail(
  db: Executor,
  notificationId: string,
  tokenHash: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('notifications')
    .set({ emailState: 'sending', tokenHash, emailNextAt: now })
    .where('id', '=', notificationId)
    .where('emailState', '=', 'pending')
    .where((eb) => eb.or([eb('emailNextAt', 'is', null), eb('emailNextAt', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The person and tenant behind an email's token, if the token came from one of our emails. */
export async function findTokenOwner(db: Executor, tokenHash: string) {
  return db
    .selectFrom('notifications')
    .innerJoin('tenants', 'tenants.id', 'notifications.tenantId')
    .select(['notifications.userId', 'tenants.name as tenantName'])
    .where('notifications.tokenHash', '=', tokenHash)
    .executeTakeFirst();
}

export async function findAnswerEmailSetting(db: Executor, userId: string) {
  return db
    .selectFrom('users')
    .select(['answerEmails', 'guest', 'email'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

export async function updateAnswerEmails(db: Executor, userId: string, enabled: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ answerEmails: enabled ? 1 : 0 })
    .where('id', '=', userId)
    .execute();
}
