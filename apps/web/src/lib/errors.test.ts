import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage, isUnreachable, retryAfterSeconds, unreachableMessage } from './errors';

/** A refusal as the API sends it: the formatter's message and data. */
function refusal(code: string, message: string, issues?: { path: string; message: string }[]) {
  return TRPCClientError.from({ error: { code: -32600, message, data: { code, httpStatus: 400, issues } } });
}

describe('errorMessage', () => {
  it('says the network is down when no answer came back, whatever the browser called it', () => {
    for (const cause of [new TypeError('Failed to fetch'), new SyntaxError('Unexpected token <')]) {
      const error = TRPCClientError.from(cause);
      expect(isUnreachable(error)).toBe(true);
      expect(errorMessage(error)).toBe(unreachableMessage());
    }
    expect(errorMessage(new TypeError('NetworkError when attempting to fetch resource.'))).toBe(
      unreachableMessage(),
    );
  });

  it('names a rejected field by its label, never by its path', () => {
    const tooLong = refusal('BAD_REQUEST', 'body: must be at most 140 characters');
    expect(errorMessage(tooLong)).toBe('Your question is too long: at most 140 characters');
    const slug = refusal('BAD_REQUEST', 'tenant: may contain only letters, digits and inner hyphens', [
      { path: 'tenant', message: 'may contain only letters, digits and inner hyphens' },
    ]);
    expect(errorMessage(slug, { tenant: 'The address' })).toBe(
      'The address may contain only letters, digits and inner hyphens',
    );
  });

  it('names the other fields a rule mentions by their labels too', () => {
    const error = refusal('BAD_REQUEST', 'minQuestionLength: must not be greater than maxQuestionLength');
    expect(errorMessage(error)).toBe('The shortest question must not be greater than the longest question');
  });

  it('words every issue of a rejected input, short, empty or malformed', () => {
    const error = refusal('BAD_REQUEST', 'name: must not be empty; email: Invalid email address', [
      { path: 'name', message: 'must not be empty' },
      { path: 'email', message: 'Invalid email address' },
      { path: 'password', message: 'must be at least 8 characters' },
    ]);
    expect(errorMessage(error)).toBe(
      'The name is missing. The email address is not valid. The password is too short: at least 8 characters',
    );
  });

  it("shows the server's own refusals as worded, and hides internal errors", () => {
    expect(errorMessage(refusal('PRECONDITION_FAILED', 'The queue is frozen: new questions wait'))).toBe(
      'The queue is frozen: new questions wait',
    );
    expect(errorMessage(refusal('INTERNAL_SERVER_ERROR', 'Internal server error'))).toBe(
      'Something went wrong. Try again in a moment.',
    );
    expect(errorCode(refusal('FORBIDDEN', 'No'))).toBe('FORBIDDEN');
    expect(isUnreachable(refusal('FORBIDDEN', 'No'))).toBe(false);
  });

  it('asks kindly to slow down when a limit refuses, saying when to try again', () => {
    const limited = (retryAfterSeconds?: number) =>
      TRPCClientError.from({
        error: {
          code: -32029,
          message: 'Too many questions in a row: try again in 12 s',
          data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfterSeconds },
        },
      });
    expect(errorMessage(limited(12))).toBe('Slow down a little: try again in 12 s');
    expect(errorMessage(limited(59))).toBe('Slow down a little: try again in 59 s');
    expect(errorMessage(limited(61))).toBe('Slow down a little: try again in 2 min');
    expect(errorMessage(limited(15 * 60))).toBe('Slow down a little: try again in 15 min');
    expect(errorMessage(limited(2 * 60 * 60))).toBe('Slow down a little: try again in 2 h');
    // A refusal that names no wait is shown as worded.
    expect(errorMessage(limited())).toBe('Too many questions in a row: try again in 12 s');
    expect(retryAfterSeconds(limited(42))).toBe(42);
    expect(retryAfterSeconds(limited())).toBeUndefined();
    expect(retryAfterSeconds(refusal('FORBIDDEN', 'No'))).toBeUndefined();
  });
});
