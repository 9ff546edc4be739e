import type { Database } from '../db/schema.js';
import { newLinkToken } from '../mail/link-tokens.js';
import { type EmailQueue, escapeHtml, type OutgoingEmail } from '../mail/mailer.js';
import { failAbandonedEmails, settleEmail } from '../mail/queue-repository.js';
import { answerEmailsOffPath, meetingPath, ownQuestionsPath } from './links.js';
import {
  claimNotificationEmail,
  type DueNotificationEmail,
  selectDueNotificationEmails,
} from './repository.js';

/** A notification older than this is not emailed any more (after an outage, or when email was just set up). */
const EMAIL_FRESH_MS = 24 * 60 * 60 * 1000;

/** What an email says before its links: lines of its own, and quoted text of others. */
type Passage = { say: string } | { quote: string };

interface EmailContent {
  subject: string;
  passages: Passage[];
  /** The page in the app where the person sees it. */
  path: string;
}

function answeredContent(email: DueNotificationEmail): EmailContent {
  return {
    subject: `Your question was answered in ${email.tenantName}`,
    passages: [
      { say: `Your question in ${email.tenantName} was answered.` },
      { say: 'You asked:' },
      { quote: email.questionText },
      { say: 'The answer:' },
      { quote: email.responseText ?? 'It was answered live, in the room.' },
    ],
    path: ownQuestionsPath(email.tenantSlug, email.meetingId),
  };
}

/** The question it joined is quoted only while everyone can see it. */
function mergedContent(email: DueNotificationEmail): EmailContent {
  const intro = `Your question in ${email.tenantName} was merged into a similar one`;
  return {
    subject: `Your question was merged in ${email.tenantName}`,
    passages: [
      ...(email.mergedInto
        ? [{ say: `${intro}:` }, { quote: email.mergedInto.body }]
        : [{ say: `${intro}.` }]),
      { say: 'Your vote now counts there.' },
      { say: 'You asked:' },
      { quote: email.questionText },
    ],
    path: meetingPath(email.tenantSlug, email.meetingId),
  };
}

const CONTENT_OF_KIND = { answered: answeredContent, merged: mergedContent } as const;

/**
 * The email telling an author what became of their question, with a link to see it and a one-click
 * link (also offered to mail clients as `List-Unsubscribe`) that turns these emails off.
 */
function composeNotificationEmail(
  email: DueNotificationEmail,
  token: string,
  baseUrl: string,
): OutgoingEmail {
  const { subject, passages, path } = CONTENT_OF_KIND[email.kind](email);
  const base = baseUrl.replace(/\/+$/, '');
  const questionUrl = `${base}${path}`;
  const offUrl = `${base}${answerEmailsOffPath(token)}`;
  const text = [
    ...passages.flatMap((passage) => ['say' in passage ? passage.say : passage.quote, '']),
    `See it in its meeting: ${questionUrl}`,
    '',
    `Turn off these emails: ${offUrl}`,
    '',
  ].join('\n');
  const html = [
    ...passages.map((passage) =>
      'say' in passage
        ? `<p>${escapeHtml(passage.say)}</p>`
        : `<blockquote>${escapeHtml(passage.quote)}</blockquote>`,
    ),
    `<p><a href="${escapeHtml(questionUrl)}">See it in its meeting</a></p>`,
    `<p><a href="${escapeHtml(offUrl)}">Turn off these emails</a></p>`,
  ].join('\n');
  return {
    to: email.email,
    subject,
    text,
    html,
    headers: { 'List-Unsubscribe': `<${offUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** Notifications waiting for their email; each email gets its own "turn off" token. */
export function notificationEmails(db: Database, baseUrl: string): EmailQueue {
  return {
    name: 'notification email',
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
          return composeNotificationEmail(email, token, baseUrl);
        },
        settle: (outcome) => settleEmail(db, 'notifications', email.notificationId, outcome),
      }));
    },
  };
}
