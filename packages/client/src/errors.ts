import type { AppRouter } from '@pulsestage/api/router';
import { isTRPCClientError, type TRPCClientError } from '@trpc/client';
import { ErrorEvent } from 'eventsource';

/** An error from a call to the API; `data.code` is the tRPC code (`FORBIDDEN`, `BAD_REQUEST`, …). */
export type PulseStageError = TRPCClientError<AppRouter>;

export function isPulseStageError(error: unknown): error is PulseStageError {
  return isTRPCClientError<AppRouter>(error);
}

export type AccessDeniedCode = 'UNAUTHORIZED' | 'FORBIDDEN';

/**
 * The API refused the token: `UNAUTHORIZED` when it is unknown or revoked, `FORBIDDEN` when it may not
 * do this (another tenant, too low a role). Retrying with the same token cannot succeed.
 */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';

  constructor(
    readonly code: AccessDeniedCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A failed response that is not the API's own JSON (a proxy's plain-text 401 or 502): thrown by the
 * client's fetch so the status survives into the error, where the retry rules read it.
 */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';

  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

const ACCESS_DENIED_STATUSES: Readonly<Record<number, AccessDeniedCode>> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
};

/**
 * The EventSource's failure behind a stream error. tRPC 11.19 wraps it in a SuppressedError on its
 * way out, which makes it land in `shape` rather than `cause`.
 */
function eventSourceFailureOf(error: PulseStageError): ErrorEvent | undefined {
  const candidates: unknown[] = [error.cause, error.shape];
  return candidates.find((candidate): candidate is ErrorEvent => candidate instanceof ErrorEvent);
}

/** The HTTP status behind an error that has no tRPC body (an event stream refused by a proxy, say). */
export function httpStatusOf(error: PulseStageError): number | undefined {
  const failure = eventSourceFailureOf(error);
  if (failure) return failure.code;
  if (error.cause instanceof HttpStatusError) return error.cause.status;
  const response: unknown = error.meta?.response;
  return response instanceof Response ? response.status : undefined;
}

function accessDeniedCodeOf(error: PulseStageError): AccessDeniedCode | undefined {
  const code = error.data?.code;
  if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN') return code;
  if (code) return undefined;
  const status = httpStatusOf(error);
  return status === undefined ? undefined : ACCESS_DENIED_STATUSES[status];
}

/** The error as an AccessDeniedError when it is a refusal of the token; undefined otherwise. */
export function asAccessDenied(error: unknown): AccessDeniedError | undefined {
  if (error instanceof AccessDeniedError) return error;
  if (!isPulseStageError(error)) return undefined;
  const code = accessDeniedCodeOf(error);
  return code ? new AccessDeniedError(code, error.message, { cause: error }) : undefined;
}
