import { type Caller, callerKey } from '../../auth/credentials.js';
import { tooManyRequests } from '../../errors.js';

export interface StreamLimitSettings {
  /** Open streams one session, service token or display link may hold: a person's tabs, a few screens. */
  perCredential: number;
  /** Open streams from one client address: a whole audience may share one (a company NAT, a venue Wi-Fi). */
  perAddress: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimitSettings = { perCredential: 10, perAddress: 2000 };

/** Streams end when a tab closes, not on a clock: this is a pause before trying, not a promise. */
const STREAM_RETRY_AFTER_SECONDS = 10;

const TOO_MANY_FOR: Record<Caller['kind'], string> = {
  user: 'Too many open streams for this session: close another tab',
  service: 'Too many open streams for this service token: close one of them first',
  display: 'Too many open streams for this display link: close another screen showing it',
  anonymous: 'Too many open streams: close another tab',
};

class Counts {
  private readonly open = new Map<string, number>();

  of(key: string): number {
    return this.open.get(key) ?? 0;
  }

  add(key: string, change: 1 | -1): void {
    const count = this.of(key) + change;
    if (count > 0) this.open.set(key, count);
    else this.open.delete(key);
  }
}

/**
 * The event streams open in this instance, per credential and per client address. Each instance counts
 * its own: behind a load balancer spreading streams over n instances a credential may hold up to n times
 * the limit, which still bounds what one credential can hold.
 */
export class StreamLimits {
  private readonly byCredential = new Counts();
  private readonly byAddress = new Counts();

  constructor(private readonly limits: StreamLimitSettings = DEFAULT_STREAM_LIMITS) {}

  /** Counts one more stream or refuses it; the stream must call the returned release when it closes. */
  admit(caller: Caller, address: string): () => void {
    const credential = callerKey(caller);
    if (this.byCredential.of(credential) >= this.limits.perCredential)
      throw tooManyRequests(TOO_MANY_FOR[caller.kind], STREAM_RETRY_AFTER_SECONDS);
    if (this.byAddress.of(address) >= this.limits.perAddress)
      throw tooManyRequests(
        'Too many open streams from this network address: try again in a little while',
        STREAM_RETRY_AFTER_SECONDS,
      );
    this.byCredential.add(credential, 1);
    this.byAddress.add(address, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.byCredential.add(credential, -1);
      this.byAddress.add(address, -1);
    };
  }
}
