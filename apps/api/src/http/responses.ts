import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { httpStatusOf } from '../events/stream/trpc-sse.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** `{ error: { code, message } }` with the HTTP status tRPC gives the code, so both APIs agree. */
export function sendError(
  res: ServerResponse,
  code: TRPC_ERROR_CODE_KEY,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(res, httpStatusOf(code), { error: { code, message } }, headers);
}

/**
 * Answers OPTIONS (204) and any method outside `allowed` (405), both with `Allow`; true when it
 * answered, false when the request is for its handler.
 */
export function answerMethod(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const allow = allowed.join(', ');
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    res.writeHead(204, { allow });
    res.end();
    return true;
  }
  if (allowed.includes(method)) return false;
  sendError(res, 'METHOD_NOT_SUPPORTED', `${method} is not supported here; use ${allow}`, { allow });
  return true;
}
