import type { Executor } from '../db/schema.js';
import type { EmailOutcome } from './mailer.js';

/** The tables that keep emails until they are sent, each row with its own email's state. */
export type EmailQueueTable = 'pulseInvitations' | 'notifications';

/** Records the outcome of a claimed email. */
export async function settleEmail(
  db: Executor,
  table: EmailQueueTable,
  id: string,
  outcome: EmailOutcome,
): Promise<void> {
  const changes =
    outcome.state === 'sent'
      ? { emailState: outcome.state }
      : {
          emailState: outcome.state,
          emailAttempts: outcome.attempts,
          emailNextAt: outcome.state === 'pending' ? outcome.nextAt : null,
        };
  await db.updateTable(table).set(changes).where('id', '=', id).where('emailState', '=', 'sending').execute();
}

/** Emails claimed before `claimedBefore` and never settled (their sender stopped): failed, never resent. */
export async function failAbandonedEmails(
  db: Executor,
  table: EmailQueueTable,
  claimedBefore: string,
): Promise<number> {
  const result = await db
    .updateTable(table)
    .set({ emailState: 'failed', emailNextAt: null })
    .where('emailState', '=', 'sending')
    .where('emailNextAt', '<', claimedBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
