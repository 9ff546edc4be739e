import { createTransport } from 'nodemailer';
import { type Clock, systemClock } from '../clock.js';

const MAX_ATTEMPTS = 5;
const BATCH_SIZE = 20;
/**
 * Bounds on one attempt, so a send always ends within a few minutes: an email still claimed long after
 * that belongs to an instance that stopped mid-send.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };
const ABANDONED_AFTER_MS = 15 * 60 * 1000;

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** What became of a claimed email: sent, to be tried again at `nextAt`, or given up on. */
export type EmailOutcome =
  | { state: 'sent' }
  | { state: 'pending'; attempts: number; nextAt: string }
  | { state: 'failed'; attempts: number };

/** One email waiting in a queue, as the mailer handles it without knowing what it is about. */
export interface DueEmail {
  attempts: number;
  /**
   * Takes the email for sending, in a conditional update that only one instance wins, and writes it;
   * undefined when another instance took it first.
   */
  claim(claimedAt: string): Promise<OutgoingEmail | undefined>;
  settle(outcome: EmailOutcome): Promise<void>;
}

/** One kind of email kept in the database until sent: pulse invitations, answer notifications. */
export interface EmailQueue {
  /** How logs name one of its emails: "pulse invitation email". */
  name: string;
  /** Marks failed the emails claimed before `claimedBefore` and never settled (their sender stopped). */
  failAbandoned(claimedBefore: string): Promise<number>;
  selectDue(now: string, limit: number): Promise<DueEmail[]>;
}

export interface MailerOptions {
  smtpUrl: string;
  from: string;
  clock?: Clock;
  /** How often due emails are looked for when nobody wakes the mailer (default 5 s). */
  intervalMs?: number;
  /** The pause after a first failed attempt; each further one waits twice as long (default 1 min). */
  retryDelayMs?: number;
  log: (message: string, error?: unknown) => void;
}

export interface Mailer {
  /** Looks for due emails now rather than at the next interval: after a send of invitations, say. */
  wake(): void;
  /** Stops after the emails under way. */
  stop(): Promise<void>;
}

/** The base of links in emails: the public address, else this server on localhost. */
export function linkBaseUrl(publicUrl: string | undefined, port: number): string {
  return publicUrl ?? `http://localhost:${port}`;
}

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

interface MailerDeps {
  send(message: OutgoingEmail & { from: string }): Promise<unknown>;
  from: string;
  clock: Clock;
  retryDelayMs: number;
  log: MailerOptions['log'];
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
async function sendOne(deps: MailerDeps, queue: EmailQueue, email: DueEmail): Promise<void> {
  const message = await email.claim(deps.clock.now().toISOString());
  if (!message) return;
  try {
    await deps.send({ from: deps.from, ...message });
  } catch (error) {
    await email.settle(afterFailure(email.attempts + 1, deps));
    deps.log(
      `a ${queue.name} was refused (attempt ${email.attempts + 1} of ${MAX_ATTEMPTS})`,
      error instanceof Error ? error.message : error,
    );
    return;
  }
  await email.settle({ state: 'sent' });
}

/** Sends every email of the queue that is due, a batch at a time. */
async function sendDueEmails(deps: MailerDeps, queue: EmailQueue): Promise<void> {
  for (;;) {
    const now = deps.clock.now();
    const abandoned = await queue.failAbandoned(new Date(now.getTime() - ABANDONED_AFTER_MS).toISOString());
    if (abandoned > 0) deps.log(`${abandoned} ${queue.name}s cut off mid-send were marked failed`);
    const due = await queue.selectDue(now.toISOString(), BATCH_SIZE);
    for (const email of due) await sendOne(deps, queue, email);
    if (due.length < BATCH_SIZE) return;
  }
}

async function sendAllQueues(deps: MailerDeps, queues: readonly EmailQueue[]): Promise<void> {
  for (const queue of queues) {
    await sendDueEmails(deps, queue).catch((error: unknown) =>
      deps.log(`sending ${queue.name}s failed`, error),
    );
  }
}

/** Sends the queues' emails through `options.smtpUrl` until stopped. */
export function startMailer(queues: readonly EmailQueue[], options: MailerOptions): Mailer {
  const transport = createTransport({ url: options.smtpUrl, ...SMTP_TIMEOUTS });
  const deps: MailerDeps = {
    send: (message) => transport.sendMail(message),
    from: options.from,
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
    round = sendAllQueues(deps, queues).finally(() => {
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
