import type { IncomingMessage, ServerResponse } from 'node:http';
import { notificationEmailToken } from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { DomainError } from '../errors.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { EMAIL_OFF_PREFIX } from '../notifications/links.js';
import { setAnswerEmailsByLink } from '../notifications/service.js';
import { clientAddress, type TrustedProxies } from './client-address.js';
import { sendError, sendJson } from './responses.js';

interface EmailOffDeps {
  db: Database;
  limits: RateLimits;
  trustedProxies: TrustedProxies | undefined;
}

/**
 * A mail client's one-click unsubscribe (RFC 8058): a POST to the link in `List-Unsubscribe`, with
 * `List-Unsubscribe=One-Click` as its body, which needs no more than the token in the address. It
 * spends the limits of `notification.setEmailByLink`, which the link's page calls. A GET of the same
 * address is that page.
 */
export async function turnOffAnswerEmails(deps: EmailOffDeps, req: IncomingMessage, res: ServerResponse) {
  req.resume();
  const token = notificationEmailToken.safeParse(
    new URL(req.url ?? '/', 'http://localhost').pathname.slice(EMAIL_OFF_PREFIX.length),
  );
  if (!token.success) return sendError(res, 'NOT_FOUND', 'This link is not valid');
  const input = { token: token.data, enabled: false };
  const call = {
    path: 'notification.setEmailByLink',
    clientAddress: clientAddress(req, deps.trustedProxies),
    db: deps.db,
    input,
  };
  try {
    await deps.limits.guardRoute(call, () => setAnswerEmailsByLink(deps.db, input));
    sendJson(res, 200, { enabled: false });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    sendError(res, error.code, error.message);
  }
}
