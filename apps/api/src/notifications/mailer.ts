import type { Database } from '../db/schema.js';
import { newLinkToken } from '../mail/link-tokens.js';
import { type EmailQueue, escapeHtml, type OutgoingEmail } from '../mail/mailer.js';
import { failAbandonedEmails, settleEmail } from '../mail/queue-repository.js';
import { answerEmailsOffPath, ownQuestionsPath } from './links.js';
import {
  claimNotificationEmail,
  type DueNotificationEmail,
  selectDueNotificationEmails,
} from './repository.js';

/** An answer older than this is not emailed any more (after an outage, or when email was just set up). */
const EMAIL_FRESH_MS = 24 * 60 * 60 * 1000;

/**
 * The email telling an author their question was answered: the question, the answer, a link to it,
 * and a one-click link (also offered to mail clients as `List-Unsubscribe`) that turns these emails off.
 */
export function composeAnswerEmail(
  email: DueNotificationEmail,
  token: string,
  baseUrl: string,
): OutgoingEmail {
  const base = baseUrl.replace(/\/+$/, '');
  const questionUrl = `${base}${ownQuestionsPath(email.tenantSlug, email.meetingId)}`;
  const offUrl = `${base}${answerEmailsOffPath(token)}`;
  const answer = email.responseText ?? 'It was answered live, in the room.';
  const text = [
    `Your question in ${email.tenantName} was answered.`,
    '',
    'You asked:',
    email.questionText,
    '',
    'The answer:',
    answer,
    '',
    `See it in its meeting: ${questionUrl}`,
    '',
    `Turn off these emails: ${offUrl}`,
    '',
  ].join('\n');
  const html = [
    `<p>Your question in ${escapeHtml(email.tenantName)} was answered.</p>`,
    '<p>You asked:</p>',
    `<blockquote>${escapeHtml(email.questionText)}</blockquote>`,
    '<p>The answer:</p>',
    `<blockquote>${escapeHtml(answer)}</blockquote>`,
    `<p><a href="${escapeHtml(questionUrl)}">See it in its meeting</a></p>`,
    `<p><a href="${escapeHtml(offUrl)}">Turn off these emails</a></p>`,
  ].join('\n');
  return {
    to: email.email,
    subject: `Your question was answered in ${email.tenantName}`,
    text,
    html,
    headers: { 'List-Unsubscribe': `<${offUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** Answer notifications waiting for their email; each email gets its own "turn off" token. */
export function answerNotificationEmails(db: Database, baseUrl: string): EmailQueue {
  return {
    name: 'answer notification email',
    failAbandoned: (claimedBefore) => failAbandonedEmails(db, 'notifications', claimedBefore),
    selectDue: async (now, limit) => {
      const notCreatedBefore = new Date(Date.parse(now) - EMAIL_FRESH_MS).toISOString();
      const due = await selectDueNotificationEmails(db, now, notCreatedBefore, limit);
      return due.map((email) => ({
        attempts: email.attempts,
        claim: async (claimedAt) => {
          const { token, tokenHash } = newLinkToken();
          if (!(await claimNotificationEmail(db, email.notificationId, tokenHash, claimedAt)))
            return undefined;
          return composeAnswerEmail(email, token, baseUrl);
        },
        settle: (outcome) => settleEmail(db, 'notifications', email.notificationId, outcome),
      }));
    },
  };
}
