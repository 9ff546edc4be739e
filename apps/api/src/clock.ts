/** Where the pulse schedule, its invitations' expiry and its answers' hour read the time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test sets to any instant, from which it runs on at the normal pace. */
export class SettableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}

/** What a test process sends through the IPC channel it started this process with. */
interface SetClockMessage {
  type: 'set-clock';
  now: string;
}

function isSetClockMessage(message: unknown): message is SetClockMessage {
  const candidate = message as Partial<SetClockMessage> | null;
  return (
    candidate?.type === 'set-clock' &&
    typeof candidate.now === 'string' &&
    !Number.isNaN(Date.parse(candidate.now))
  );
}

/**
 * With `TEST_CLOCK=on` (refused in production) a test moves this process's clock through the IPC channel
 * it spawned the process with, never over the network; `changed` runs after each move, before the reply.
 */
export function listenForTestClock(clock: SettableClock, changed: () => Promise<void>): void {
  process.on('message', (message: unknown) => {
    if (!isSetClockMessage(message)) return;
    clock.set(new Date(message.now));
    void changed().finally(() => process.send?.({ type: 'clock-set', now: message.now }));
  });
}
