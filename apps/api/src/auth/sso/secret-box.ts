import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ENCRYPTED = 'aes256gcm';
const PLAIN = 'plain';

/**
 * Client secrets at rest: AES-256-GCM under the operator's key (`SSO_SECRET_KEY`) when there is one,
 * so a copy of the database alone does not hand out the secrets; without a key they are kept as they
 * are, marked so, and encrypted on their next save once a key is set.
 */
export function sealSecret(secret: string, key: Buffer | undefined): string {
  if (!key) return `${PLAIN}:${Buffer.from(secret).toString('base64url')}`;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [ENCRYPTED, iv, cipher.getAuthTag(), sealed].map(encodePart).join(':');
}

function encodePart(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}

/** The secret, or null when it was sealed under a key this server does not have. */
export function openSecret(stored: string, key: Buffer | undefined): string | null {
  const [kind = '', ...parts] = stored.split(':');
  if (kind === PLAIN) return Buffer.from(parts[0] ?? '', 'base64url').toString('utf8');
  if (kind !== ENCRYPTED || !key) return null;
  const [iv, tag, sealed] = parts.map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !sealed) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
