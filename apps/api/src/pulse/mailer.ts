import {
  PULSE_AGREEMENT_LABELS,
  PULSE_INVITATION_DAYS,
  PULSE_SCALE_RANGE,
  type PulseScale,
} from '@pulsestage/contracts';
import { createTransport } from 'nodemailer';
import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/schema.js';
import {
  claimEmail,
  type DueEmail,
  type EmailOutcome,
  failAbandonedEmails,
  selectDueEmails,
  settleEmail,
} from './checkins-repository.js';
import { linkUrl, newLinkToken } from './links.js';

const MAX_ATTEMPTS = 5;
const BATCH_SIZE = 20;
/**
 * Bounds on one attempt, so a send always ends within a few minutes: an email still claimed long after
 * that belongs to an instance that stopped mid-send.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };
const ABANDONED_AFTER_MS = 15 * 60 * 1000;

export interface PulseMailerOptions {
  smtpUrl: string;
  from: string;
  /** Where links point: the public address, without a trailing slash. */
  baseUrl: string;
  clock?: Clock;
  /** How often due emails are looked for when nobody wakes the mailer (default 5 s). */
  intervalMs?: number;
  /** The pause after a first failed attempt; each further one waits twice as long (default 1 min). */
  retryDelayMs?: number;
  log: (message: string, error?: unknown) => void;
}

export interface PulseMailer {
  /** Looks for due emails now rather than at the next interval: after a send of invitations, say. */
  wake(): void;
  /** Stops after the emails under way. */
  stop(): Promise<void>;
}

/** The base of links in emails: the public address, else this server on localhost. */
export function linkBaseUrl(publicUrl: string | undefined, port: number): string {
  return publicUrl ?? `http://localhost:${port}`;
}

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

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The invitation email: the question, one link per score, and where to turn these emails off. */
export function composeInvitation(email: DueEmail, token: string, baseUrl: string) {
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

interface MailerDeps {
  db: Database;
  send(message: ReturnType<typeof composeInvitation> & { from: string }): Promise<unknown>;
  from: string;
  baseUrl: string;
  clock: Clock;
  retryDelayMs: number;
  log: PulseMailerOptions['log'];
}

function afterFailure(attempts: number, deps: MailerDeps): EmailOutcome {
  if (attempts >= MAX_ATTEMPTS) return { state: 'failed', attempts };
  const delayMs = deps.retryDelayMs * 2 ** (attempts - 1);
  return { state: 'pending', attempts, nextAt: new Date(deps.clock.now().getTime() + delayMs).toISOString() };
}

/**
 * Claims the email, then sends it. The claim is what keeps it from going out twice: only the instance
 * whose conditional update took it sends it. Once claimed it is settled as sent, or pending again for a
 * retry after a refusal; an email whose sender stopped between the claim and the settling stays claimed
 * and is later marked failed, never sent again, because it may already have left.
 */
async function sendOne(deps: MailerDeps, email: DueEmail): Promise<void> {
  const { token, tokenHash } = newLinkToken();
  const claimedAt = deps.clock.now().toISOString();
  if (!(await claimEmail(deps.db, email.invitationId, tokenHash, claimedAt))) return;
  try {
    await deps.send({ from: deps.from, ...composeInvitation(email, token, deps.baseUrl) });
  } catch (error) {
    const outcome = afterFailure(email.attempts + 1, deps);
    await settleEmail(deps.db, email.invitationId, outcome);
    deps.log(
      `a pulse invitation email was refused (attempt ${email.attempts + 1} of ${MAX_ATTEMPTS})`,
      error instanceof Error ? error.message : error,
    );
    return;
  }
  await settleEmail(deps.db, email.invitationId, { state: 'sent' });
}

/** Sends every email that is due, a batch at a time. */
async function sendDueEmails(deps: MailerDeps): Promise<void> {
  for (;;) {
    const now = deps.clock.now();
    const abandoned = await failAbandonedEmails(
      deps.db,
      new Date(now.getTime() - ABANDONED_AFTER_MS).toISOString(),
    );
    if (abandoned > 0) deps.log(`${abandoned} pulse invitation emails cut off mid-send were marked failed`);
    const due = await selectDueEmails(deps.db, now.toISOString(), BATCH_SIZE);
    for (const email of due) await sendOne(deps, email);
    if (due.length < BATCH_SIZE) return;
  }
}

/** Sends pulse invitation emails through `options.smtpUrl` until stopped. */
export function startPulseMailer(db: Database, options: PulseMailerOptions): PulseMailer {
  const transport = createTransport({ url: options.smtpUrl, ...SMTP_TIMEOUTS });
  const deps: MailerDeps = {
    db,
    send: (message) => transport.sendMail(message),
    from: options.from,
    baseUrl: options.baseUrl,
    clock: options.clock ?? systemClock,
    retryDelayMs: options.retryDelayMs ?? 60_000,
    log: options.log,
  };
  const intervalMs = options.intervalMs ?? 5000;
  let stopped = false;
  let running = false;
  let wokenMeanwhile = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();

  const run = () => {
    clearTimeout(timer);
    if (running) {
      wokenMeanwhile = true;
      return;
    }
    running = true;
    round = sendDueEmails(deps)
      .catch((error: unknown) => options.log('sending pulse invitation emails failed', error))
      .finally(() => {
        running = false;
        if (stopped) return;
        if (wokenMeanwhile) {
          wokenMeanwhile = false;
          run();
        } else {
          timer = setTimeout(run, intervalMs);
        }
      });
  };
  timer = setTimeout(run, 0);

  return {
    wake: () => {
      if (!stopped) run();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await round;
      transport.close();
    },
  };
}
