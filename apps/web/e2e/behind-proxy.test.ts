/**
 * The live scenario as browsers reach a deployment: through nginx running `deploy/nginx.conf`, over HTTPS
 * and HTTP/2, in front of two API instances on PostgreSQL with the Redis bus (or, without
 * TEST_DATABASE_URL and TEST_REDIS_URL, one instance on SQLite). A participant, another member and a
 * moderator follow each other live; with two instances, the one serving the participant's stream is
 * killed and every page carries on through the other.
 */

import { hostOf, Nginx, UPSTREAM_HEADER, upstreamOf } from '@pulsestage/test-harness/nginx';
import { createScratchDatabase, type ScratchDatabase } from '@pulsestage/test-harness/postgres';
import { ApiProcess, EmbeddedApi, killAllProcesses } from '@pulsestage/test-harness/process';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWindow, signInToMeeting, WEB_DIST } from './browser';

const adminUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const scaled = Boolean(adminUrl && redisUrl);

if (!scaled) {
  console.warn(
    'TEST_DATABASE_URL and TEST_REDIS_URL are not both set: the browser test behind nginx runs on one SQLite instance, and the kill of an instance is skipped.',
  );
}

const LIVE_MS = 10_000;
/** A stream that broke reconnects after the EventSource's retry delay (seconds), then catches up. */
const RESUME_MS = 20_000;

const questionCard = (page: Page, body: string): Locator =>
  page.locator('article', { has: page.getByText(body, { exact: true }) });

const countOf = async (scope: Locator): Promise<number> =>
  Number((await scope.getByTestId('vote-count').first().textContent())?.match(/\d+/)?.[0]);

const isStream = (url: string) => new URL(url).pathname === '/trpc/events.subscribe';

async function ask(page: Page, body: string): Promise<void> {
  await page.getByLabel('Ask a question').fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
}

describe(`live through nginx over HTTPS and HTTP/2 (${scaled ? 'two instances on PostgreSQL and Redis' : 'one SQLite instance'})`, () => {
  let database: ScratchDatabase | undefined;
  let embedded: EmbeddedApi | undefined;
  let instances: ApiProcess[] = [];
  let nginx: Nginx;
  let browser: Browser;
  const windows: BrowserContext[] = [];
  /** The instance that answered each of a page's streams, in order (nginx's `X-Upstream-Addr`). */
  const streamsOf = new Map<Page, string[]>();
  let participant: Page;
  let bob: Page;
  let moderator: Page;

  beforeAll(async () => {
    const env = { WEB_DIST, TRUSTED_PROXIES: '127.0.0.1' };
    if (adminUrl && redisUrl) {
      database = await createScratchDatabase(adminUrl);
      const databaseUrl = database.url;
      instances = await Promise.all(
        ['A', 'B'].map((name) => ApiProcess.start({ name, databaseUrl, bus: 'redis', redisUrl, env })),
      );
    } else {
      embedded = await EmbeddedApi.start({ env });
      instances = [embedded.process];
    }
    nginx = await Nginx.start({ upstreams: instances.map((instance) => instance.url), revealUpstream: true });
    browser = await launchChromium();

    const open = async (size: 'phone' | 'desktop') => {
      const context = await openWindow(browser, nginx.httpsUrl, size);
      windows.push(context);
      const page = await context.newPage();
      const streams: string[] = [];
      streamsOf.set(page, streams);
      page.on('response', (response) => {
        const upstream = upstreamOf(response.headers()[UPSTREAM_HEADER]);
        if (isStream(response.url()) && upstream) streams.push(upstream);
      });
      return page;
    };
    moderator = await open('desktop');
    await signInToMeeting(moderator, 'mod@demo.test', 'moderate');
    participant = await open('phone');
    await signInToMeeting(participant, 'alice@demo.test');
    bob = await open('phone');
    await signInToMeeting(bob, 'bob@demo.test');
    for (const page of [moderator, participant, bob]) {
      await page.locator('[data-connection="live"]').waitFor({ timeout: LIVE_MS });
    }
  }, 180_000);

  afterAll(async () => {
    for (const context of windows) await context.close();
    await browser?.close();
    await nginx?.stop();
    await embedded?.dispose();
    killAllProcesses();
    await database?.drop();
  });

  it('serves every page over HTTPS and HTTP/2', async () => {
    for (const page of [moderator, participant, bob]) {
      const protocol = await page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
      );
      expect(protocol).toBe('h2');
      expect(new URL(page.url()).protocol).toBe('https:');
    }
  });

  it('shows a question, an upvote and a pin on every screen, live', async () => {
    const asked = 'Will the office move change our desks?';
    await ask(participant, asked);
    await participant.getByText('Your question is in the queue').waitFor();
    await questionCard(moderator, asked).waitFor({ timeout: LIVE_MS });
    const bobsCard = questionCard(bob, asked);
    await bobsCard.waitFor({ timeout: LIVE_MS });

    await bobsCard.getByTestId('vote').click();
    const live = { timeout: LIVE_MS };
    await expect
      .poll(() => countOf(questionCard(moderator, asked)), { ...live, message: 'the moderator sees 1' })
      .toBe(1);
    await expect
      .poll(() => countOf(questionCard(participant, asked)), { ...live, message: 'the author sees 1' })
      .toBe(1);

    await questionCard(moderator, asked).click();
    await moderator.keyboard.press('t');
    await questionCard(participant, asked).getByText('Pinned').waitFor({ timeout: LIVE_MS });
    await questionCard(bob, asked).getByText('Pinned').waitFor({ timeout: LIVE_MS });
  });

  it.skipIf(!scaled)(
    "kill -9 of the instance serving the participant's stream: every page carries on through the other, missing nothing",
    async () => {
      const participantStreams = streamsOf.get(participant) ?? [];
      const victim = instances.find((instance) => hostOf(instance.url) === participantStreams.at(-1));
      if (!victim) throw new Error(`no instance answered the participant's stream: ${participantStreams}`);
      const streamsBefore = participantStreams.length;

      victim.kill('SIGKILL');
      await victim.exited;
      const meanwhile = 'Who answers while an instance is down?';
      await ask(bob, meanwhile);
      for (const page of [participant, moderator, bob]) {
        await questionCard(page, meanwhile).waitFor({ timeout: RESUME_MS });
      }

      const survivor = instances.find((instance) => instance !== victim) as ApiProcess;
      expect(participantStreams.length, "the participant's stream reopened").toBeGreaterThan(streamsBefore);
      expect(new Set(participantStreams.slice(streamsBefore)), 'reopened on the other instance').toEqual(
        new Set([hostOf(survivor.url)]),
      );
      await participant.locator('[data-connection="live"]').waitFor({ timeout: LIVE_MS });

      // And the stream is live again: a vote through nginx reaches the other screens.
      await questionCard(participant, meanwhile).getByTestId('vote').click();
      await expect.poll(() => countOf(questionCard(moderator, meanwhile)), { timeout: LIVE_MS }).toBe(1);
    },
    60_000,
  );
});
