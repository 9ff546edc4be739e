import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerEmailsOffPath, notificationEmailToken } from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { DomainError } from '../errors.js';
import { setAnswerEmailsByLink } from '../notifications/service.js';
import { sendError, sendJson } from './responses.js';

/** The path every "Turn off these emails" link starts with. */
export const EMAIL_OFF_PREFIX = answerEmailsOffPath('');

/**
 * A mail client's one-click unsubscribe (RFC 8058): a POST to the link in `List-Unsubscribe`, with
 * `List-Unsubscribe=One-Click` as its body, which needs no more than the token in the address. A GET
 * of the same address is the web page, which asks before it changes anything.
 */
export async function turnOffAnswerEmails(db: Database, req: IncomingMessage, res: ServerResponse) {
  req.resume();
  const token = notificationEmailToken.safeParse(
    new URL(req.url ?? '/', 'http://localhost').pathname.slice(EMAIL_OFF_PREFIX.length),
  );
  if (!token.success) return sendError(res, 'NOT_FOUND', 'This link is not valid');
  try {
    const { enabled } = await setAnswerEmailsByLink(db, { token: token.data, enabled: false });
    sendJson(res, 200, { enabled });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    sendError(res, error.code, error.message);
  }
}
