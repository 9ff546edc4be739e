import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { tooManyRequests } from '../errors.js';
import { BoundedConcurrency } from './bounded-concurrency.js';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keyLength: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt is memory-hard; parameters travel with each hash so they can be raised later. */
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const maxmem = (N: number, r: number) => 256 * N * r;

/**
 * The hash of a random password nobody kept, made with `COST`, checked for emails without an account.
 * Fixed rather than made at start, so even the first such sign-in takes exactly as long as a real one.
 */
export const DECOY_HASH =
  'scrypt$32768$8$1$vn95gSJG50bp0ox0LTs/fw==$/nT0lcZxqRaHvnj+PBil2O/szGr0HIWcPtxS+srEiUY=';

/** libuv's thread pool, which scrypt shares with file reads, compression and DNS lookups. */
const THREAD_POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const BUSY_RETRY_AFTER_SECONDS = 5;

export const busyHashing = () =>
  tooManyRequests('PulseStage is busy: try again in a few seconds', BUSY_RETRY_AFTER_SECONDS);

/**
 * Hashing takes at most half of the thread pool, so a flood of sign-ins never leaves files, compression
 * or anything else on the pool waiting behind it. A sign-in waits its turn up to half a minute (a
 * hundred people signing in at the start of a town hall on a busy machine all get in); waiting costs
 * nothing, so a flood is slowed down instead of answered at full speed. Past 500 waiting, or half a
 * minute, it is refused.
 */
export const hashingSlots = new BoundedConcurrency({
  concurrency: Math.max(1, Math.floor(THREAD_POOL_SIZE / 2)),
  maxWaiting: 500,
  maxWaitMs: 30_000,
  refusal: busyHashing,
});

/** Password hashing and checks that take their turn at `slots`. */
export function passwordHashing(slots: BoundedConcurrency) {
  const boundedScrypt: typeof scrypt = (...args) => slots.run(() => scrypt(...args));

  async function hashPassword(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await boundedScrypt(password, salt, KEY_LENGTH, { ...COST, maxmem: maxmem(COST.N, COST.r) });
    return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async function verifyPassword(stored: string, password: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: maxmem(Number(n), Number(r)) };
    const actual = await boundedScrypt(password, Buffer.from(salt, 'base64'), expected.length, options);
    return timingSafeEqual(actual, expected);
  }

  /** Spends the same time as a real check, so sign-in does not reveal which emails have accounts. */
  async function verifyAgainstDecoy(password: string): Promise<false> {
    await verifyPassword(DECOY_HASH, password);
    return false;
  }

  return { hashPassword, verifyPassword, verifyAgainstDecoy };
}

export const { hashPassword, verifyPassword, verifyAgainstDecoy } = passwordHashing(hashingSlots);
