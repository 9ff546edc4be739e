/**
 * The sign-in flood of the attack benchmark, as a process of its own (forked by attack-probes.ts):
 * once loaded it says so; told how long, `concurrency` callers each send wrong-password sign-ins back
 * to back for that many seconds, then the figures go back to the parent.
 *
 *   attack-flood.ts <base URL> <email> <concurrency>
 */
import { Agent } from 'node:http';
import { httpRequest } from './api-client.js';
import { count, type FromFlood, type ToFlood } from './attack-probes.js';
import { Histogram } from './histogram.js';
import { monotonicMs } from './protocol.js';

async function flood(base: string, email: string, concurrency: number, seconds: number): Promise<FromFlood> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = new Map<number, number>();
  const latency = new Histogram();
  let errors = 0;
  const start = monotonicMs();
  const end = start + seconds * 1000;
  const caller = async (worker: number) => {
    for (let attempt = 0; monotonicMs() < end; attempt++) {
      const body = JSON.stringify({ email, password: `wrong guess ${worker}-${attempt}` });
      try {
        const response = await httpRequest(
          agent,
          `${base}/trpc/auth.signIn`,
          'POST',
          { 'content-type': 'application/json' },
          body,
        );
        latency.record(response.respondedAt - response.sentAt);
        count(statuses, response.status);
      } catch {
        errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, (_unused, worker) => caller(worker)));
  } finally {
    agent.destroy();
  }
  return {
    t: 'report',
    statuses: [...statuses],
    latency: latency.serialize(),
    errors,
    elapsedMs: monotonicMs() - start,
  };
}

const [base = '', email = '', concurrency = '1'] = process.argv.slice(2);
process.once('message', ({ seconds }: ToFlood) => {
  flood(base, email, Number(concurrency), seconds).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.send?.({ t: 'ready' } satisfies FromFlood);
