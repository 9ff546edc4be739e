/**
 * A real SMTP server for tests: it accepts mail on a free local port, parses every message and lets a
 * test wait for the next one sent to an address. It can refuse the next messages with a temporary
 * failure, as a busy mail server does, to test retries.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { listeningPort } from './net.js';
import { within } from './poll.js';

export interface CapturedMail {
  /** The envelope's sender (MAIL FROM). */
  from: string;
  /** The envelope's recipients (RCPT TO), lower-cased. */
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, or '' when the message has none. */
  html: string;
  /** Every http(s) URL in the plain-text part, in order. */
  links: string[];
  /** Each header as written (unfolded), by its lower-case name; the last one of a repeated name. */
  headers: Record<string, string>;
  receivedAt: number;
}

interface Waiter {
  address: string;
  resolve: (mail: CapturedMail) => void;
}

const TEMPORARY_FAILURE = 451;
const DEFAULT_WAIT_MS = 15_000;

const normalizeAddress = (address: string) => address.trim().toLowerCase();

function linksIn(text: string): string[] {
  return text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
}

function temporaryFailure(): Error & { responseCode: number } {
  return Object.assign(new Error('Mailbox busy, try again later'), { responseCode: TEMPORARY_FAILURE });
}

export class TestSmtpServer {
  /** Every message accepted, in order of arrival. */
  readonly messages: CapturedMail[] = [];
  /** How many messages were refused on purpose so far. */
  refusedCount = 0;
  private refusalsLeft = 0;
  /** Per address, how many of its messages `nextMessageTo` has returned. */
  private readonly handedOut = new Map<string, number>();
  private waiters: Waiter[] = [];

  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 1000,
    onData: (stream, session, callback) => {
      this.receive(stream, session).then(
        () => callback(),
        (error: Error) => callback(error),
      );
    },
  });
  private port = 0;

  private constructor() {
    this.server.on('error', () => {
      // A client dropping its connection must not crash the test process.
    });
  }

  /** Starts a server on a free port of 127.0.0.1 (no TLS, no authentication). */
  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer();
    smtp.port = await new Promise<number>((resolve, reject) => {
      const listening = smtp.server.listen(0, '127.0.0.1', () => resolve(listeningPort(listening)));
      listening.once('error', reject);
    });
    return smtp;
  }

  /** The value for SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Refuses the next `count` messages with a temporary failure (451) instead of accepting them. */
  refuseNext(count: number): void {
    this.refusalsLeft = count;
  }

  /** Every accepted message with `address` among its recipients, in order of arrival. */
  messagesTo(address: string): CapturedMail[] {
    const wanted = normalizeAddress(address);
    return this.messages.filter((mail) => mail.to.includes(wanted));
  }

  /**
   * The oldest message to `address` not yet returned by this method, waiting for it to arrive if there
   * is none; rejects with a `WaitTimeout` after `timeoutMs`.
   */
  nextMessageTo(
    address: string,
    { timeoutMs = DEFAULT_WAIT_MS }: { timeoutMs?: number } = {},
  ): Promise<CapturedMail> {
    const wanted = normalizeAddress(address);
    const arrived = this.messagesTo(wanted)[this.handedOut.get(wanted) ?? 0];
    if (arrived) return Promise.resolve(this.handOut(wanted, arrived));
    let waiter: Waiter | undefined;
    const waiting = new Promise<CapturedMail>((resolve) => {
      waiter = { address: wanted, resolve };
      this.waiters.push(waiter);
    });
    return within(waiting, timeoutMs, `an email to ${address}`).catch((error: unknown) => {
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      throw error;
    });
  }

  /** Stops accepting connections; resolves once open ones are closed. */
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(stream);
    if (this.refusalsLeft > 0) {
      this.refusalsLeft -= 1;
      this.refusedCount += 1;
      throw temporaryFailure();
    }
    const { mailFrom, rcptTo } = session.envelope;
    const text = parsed.text ?? '';
    const mail: CapturedMail = {
      from: mailFrom ? mailFrom.address : '',
      to: rcptTo.map((recipient) => normalizeAddress(recipient.address)),
      subject: parsed.subject ?? '',
      text,
      html: typeof parsed.html === 'string' ? parsed.html : '',
      links: linksIn(text),
      headers: Object.fromEntries(
        parsed.headerLines.map(({ key, line }) => [
          key,
          line
            .slice(line.indexOf(':') + 1)
            .replace(/\r?\n\s+/g, ' ')
            .trim(),
        ]),
      ),
      receivedAt: Date.now(),
    };
    this.messages.push(mail);
    this.handToWaiter(mail);
  }

  private handToWaiter(mail: CapturedMail): void {
    for (const address of mail.to) {
      const waiter = this.waiters.find((candidate) => candidate.address === address);
      if (!waiter) continue;
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      waiter.resolve(this.handOut(address, mail));
    }
  }

  private handOut(address: string, mail: CapturedMail): CapturedMail {
    this.handedOut.set(address, (this.handedOut.get(address) ?? 0) + 1);
    return mail;
  }
}
