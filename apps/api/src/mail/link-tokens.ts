import { randomBytes } from 'node:crypto';
import { hashSecret } from '../auth/secrets.js';

/** An email link's token, which is handed out once in an email, and the hash that is all we keep of it. */
export interface LinkToken {
  token: string;
  tokenHash: string;
}

/** 32 random bytes in base64url: unguessable, and at home in a URL path. */
export function newLinkToken(): LinkToken {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashLinkToken(token) };
}

export const hashLinkToken = (token: string): string => hashSecret(token);
