import { TRPCClientError } from '@trpc/client';

/** The server's own words for what went wrong; it always names the field or the reason. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

/** The tRPC error code (UNAUTHORIZED, FORBIDDEN, …) of a failed call, if the server sent one. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  return (error.data as { code?: string } | undefined)?.code;
}
