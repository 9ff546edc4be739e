import {
  PULSE_AGREEMENT_LABELS,
  PULSE_INVITATION_DAYS,
  PULSE_SCALE_RANGE,
  type PulseScale,
} from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { newLinkToken } from '../mail/link-tokens.js';
import { type EmailQueue, escapeHtml, type OutgoingEmail } from '../mail/mailer.js';
import { failAbandonedEmails, settleEmail } from '../mail/queue-repository.js';
import { claimEmail, type DueInvitationEmail, selectDueEmails } from './checkins-repository.js';
import { linkUrl } from './links.js';

interface ScoreChoice {
  label: string;
  url: string;
}

function scoreChoices(scale: PulseScale, baseUrl: string, token: string): ScoreChoice[] {
  const [lowest, highest] = PULSE_SCALE_RANGE[scale];
  return Array.from({ length: highest - lowest + 1 }, (_, index) => {
    const score = lowest + index;
    const label = scale === 'agree5' ? (PULSE_AGREEMENT_LABELS[score - 1] ?? String(score)) : String(score);
    return { label, url: linkUrl(baseUrl, token, score) };
  });
}

/** The invitation email: the question, one link per score, and where to turn these emails off. */
export function composeInvitation(email: DueInvitationEmail, token: string, baseUrl: string) {
  const choices = scoreChoices(email.scale, baseUrl, token);
  const appUrl = `${baseUrl}/t/${email.tenantSlug}`;
  const scaleHint = email.scale === 'likely10' ? '0 is not at all likely, 10 is very likely.' : '';
  const expiry = `The links work once and expire in ${PULSE_INVITATION_DAYS} days. Your answer is anonymous.`;
  const optOut = `Don't want these emails? Turn off email invitations on your check-in card in the app: ${appUrl}`;
  const text = [
    `${email.tenantName} asks:`,
    '',
    email.questionText,
    '',
    `Tap your answer.${scaleHint ? ` ${scaleHint}` : ''}`,
    ...choices.map(({ label, url }) => `${label}: ${url}`),
    '',
    expiry,
    optOut,
    '',
  ].join('\n');
  const html = [
    `<p>${escapeHtml(email.tenantName)} asks:</p>`,
    `<p><strong>${escapeHtml(email.questionText)}</strong></p>`,
    `<p>Tap your answer.${scaleHint ? ` ${scaleHint}` : ''}</p>`,
    '<ul>',
    ...choices.map(({ label, url }) => `<li><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></li>`),
    '</ul>',
    `<p>${escapeHtml(expiry)}</p>`,
    `<p>Don't want these emails? Turn off email invitations on your check-in card in <a href="${escapeHtml(appUrl)}">the app</a>.</p>`,
  ].join('\n');
  return { to: email.email, subject: `Quick check-in from ${email.tenantName}`, text, html };
}

/**
 * The pulse invitations waiting for their email. Each email gets its own token, whose hash is stored
 * with the claim: only the email holds the token itself.
 */
export function pulseInvitationEmails(db: Database, baseUrl: string): EmailQueue {
  return {
    name: 'pulse invitation email',
    failAbandoned: (claimedBefore) => failAbandonedEmails(db, 'pulseInvitations', claimedBefore),
    selectDue: async (now, limit) =>
      (await selectDueEmails(db, now, limit)).map((email) => ({
        attempts: email.attempts,
        claim: async (claimedAt): Promise<OutgoingEmail | undefined> => {
          const { token, tokenHash } = newLinkToken();
          if (!(await claimEmail(db, email.invitationId, tokenHash, claimedAt))) return undefined;
          return composeInvitation(email, token, baseUrl);
        },
        settle: (outcome) => settleEmail(db, 'pulseInvitations', email.invitationId, outcome),
      })),
  };
}
