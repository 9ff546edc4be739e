/**
 * The presenter display on the screens rooms have (1080p and 720p): however long a question is, the
 * page never scrolls, the QR code stays whole on screen and every part keeps to its area. The room
 * sees an invitation to ask rather than the moderator's instructions, a new organization's display
 * has its QR code at once, and the address under it follows PUBLIC_URL.
 */
import { mutate, signIn as signInApi } from '@pulsestage/test-harness/accounts';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoMeetingId,
  openWindow,
  type Stage,
  screenshot,
  signIn,
  signInToMeeting,
  startStage,
} from './browser';

const SCREENS = {
  '1080p': { width: 1920, height: 1080 },
  '720p': { width: 1280, height: 720 },
} as const;

const LONG_URL = `See https://intranet.example.com/handbook/engineering/onboarding/2026/checklists/${'x'.repeat(60)}?from=town-hall-question`;
const LONG_WORD = 'W'.repeat(2000);
const LONG_TEXT = Array.from(
  { length: 40 },
  (_, index) => `Point ${index + 1}: will the plan cover the teams that moved offices?`,
)
  .join(' ')
  .slice(0, 2000);
const QUESTIONS = {
  'a long URL': LONG_URL,
  'a 2,000-character word': LONG_WORD,
  'a 2,000-character text': LONG_TEXT,
};

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('the element is not on the page');
  return box;
}

/** Whether `inner` lies within `outer` (a pixel of rounding allowed). */
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 1 &&
  inner.y >= outer.y - 1 &&
  inner.x + inner.width <= outer.x + outer.width + 1 &&
  inner.y + inner.height <= outer.y + outer.height + 1;

/** What the page would scroll by, across and down. */
const scrollExtent = (page: Page) =>
  page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    return { across: root.scrollWidth - root.clientWidth, down: root.scrollHeight - root.clientHeight };
  });

/** Every shown item of the list lies within the list's own area. */
async function listProblems(page: Page): Promise<string[]> {
  const list = page.getByTestId('upcoming');
  const area = await boxOf(list);
  const problems: string[] = [];
  for (const item of await list.locator('li:visible').all()) {
    if (!inside(await boxOf(item), area))
      problems.push(`an item outside the list: ${await item.textContent()}`);
  }
  return problems;
}

describe('the presenter display without PUBLIC_URL', () => {
  let stage: Stage;
  let moderatorCookie: string;
  let where: { tenant: string; meetingId: string };
  const ids = new Map<string, string>();

  beforeAll(async () => {
    stage = await startStage();
    const cookie = await signInApi(stage.api.url, 'alice@demo.test');
    where = { tenant: 'demo', meetingId: await demoMeetingId(stage.api.url, cookie) };
    for (const [name, body] of Object.entries(QUESTIONS)) {
      const question = await mutate<{ id: string }>(
        stage.api.url,
        'question.submit',
        { ...where, body },
        cookie,
      );
      ids.set(name, question.id);
    }
    moderatorCookie = await signInApi(stage.api.url, 'mod@demo.test');
  });
  afterAll(() => stage?.close());

  const pin = (questionId: string | undefined, pinned: boolean) =>
    mutate(stage.api.url, 'question.pin', { ...where, questionId, pinned }, moderatorCookie);

  describe.each(Object.keys(SCREENS) as (keyof typeof SCREENS)[])('at %s', (screen) => {
    let display: Page;
    beforeAll(async () => {
      for (const id of ids.values()) await pin(id, false);
      display = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
      await display.setViewportSize(SCREENS[screen]);
      await signInToMeeting(display, 'mod@demo.test', 'present');
      await display.locator('[data-connection="live"]').waitFor();
    });
    afterAll(() => display?.context().close());

    it('invites the room to ask with the meeting’s code and join address while nothing is pinned', async () => {
      const invitation = display.getByTestId('spotlight-empty');
      await invitation.waitFor();
      expect(await display.getByText(/pin a question/i).count()).toBe(0);
      const joinAddress = display.getByTestId('join-address');
      const address = (await joinAddress.textContent()) ?? '';
      expect(address).toMatch(/^127\.0\.0\.1:\d+\/j\/\d{6}$/);
      expect(await display.getByTestId('join-code').textContent()).toBe(`#${address.slice(-6)}`);
      expect(await invitation.textContent()).toContain(address);
      // Legible from the back of the room: large and bold rather than small grey text.
      const style = await joinAddress.evaluate((element) => {
        const { fontSize, fontWeight } = getComputedStyle(element);
        return { size: Number.parseFloat(fontSize), weight: Number(fontWeight) };
      });
      expect(style.size).toBeGreaterThanOrEqual(screen === '1080p' ? 30 : 20);
      expect(style.weight).toBeGreaterThanOrEqual(600);
      await screenshot(display, `display-invitation-${screen}`);
    });

    it.each(Object.keys(QUESTIONS))(
      'fits %s in the spotlight and in the list, without scrolling',
      async (name) => {
        const body = QUESTIONS[name as keyof typeof QUESTIONS];
        await pin(ids.get(name), true);
        const spotlight = display.getByTestId('spotlight');
        await spotlight.getByText(body.slice(0, 40)).waitFor();
        await screenshot(display, `display-${name.replaceAll(/[^a-z0-9]+/gi, '-')}-${screen}`);

        // The list fits itself to the room the spotlight leaves once the screen has laid it out.
        await expect.poll(() => listProblems(display)).toEqual([]);
        expect(await scrollExtent(display)).toEqual({ across: 0, down: 0 });
        const viewport = { x: 0, y: 0, ...SCREENS[screen] };
        expect(inside(await boxOf(display.getByTestId('join-qr')), viewport)).toBe(true);
        expect(inside(await boxOf(spotlight), viewport)).toBe(true);
        expect(inside(await boxOf(display.getByTestId('spotlight-body')), await boxOf(spotlight))).toBe(true);
        expect(inside(await boxOf(display.getByTestId('up-next')), viewport)).toBe(true);
        expect(await display.getByTestId('upcoming').locator('li:visible').count()).toBeGreaterThan(0);
        const justAsked = display.getByTestId('just-asked');
        if (await justAsked.count()) expect(inside(await boxOf(justAsked), viewport)).toBe(true);
        // A question cut to fit says so.
        await expect
          .poll(() => display.getByTestId('spotlight-continued').isVisible())
          .toBe(body.length > 1000);
      },
    );
  });

  it('warns on the admin page, opened on localhost, that phones cannot open its links', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const url = stage.api.url.replace('127.0.0.1', host);
      const page = await (await openWindow(stage.browser, url, 'desktop')).newPage();
      await signIn(page, 'owner@demo.test', '/t/demo/admin');
      const warning = page.getByTestId('public-url-warning');
      await warning.waitFor();
      expect(await warning.textContent()).toContain('PUBLIC_URL');
      await page.context().close();
    }
  });
});

describe('the presenter display with PUBLIC_URL', () => {
  let stage: Stage;
  let owner: Page;
  beforeAll(async () => {
    stage = await startStage({ PUBLIC_URL: 'https://ask.example.test' });
    owner = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signIn(owner, 'owner@demo.test');
  });
  afterAll(() => stage?.close());

  it("waits for a new organization's first meeting, then shows its QR code with the address at PUBLIC_URL", async () => {
    const cookie = await signInApi(stage.api.url, 'owner@demo.test');
    await mutate(stage.api.url, 'tenant.create', { tenant: 'new-room', name: 'New Room' }, cookie);
    await owner.goto('/t/new-room/present');
    await owner.getByText('No meeting is open right now.').waitFor();
    const meeting = await mutate<{ id: string }>(
      stage.api.url,
      'meeting.create',
      { tenant: 'new-room', title: 'First town hall' },
      cookie,
    );
    await mutate(stage.api.url, 'meeting.open', { tenant: 'new-room', meetingId: meeting.id }, cookie);
    // The waiting screen follows the organization live and moves to the meeting once it opens.
    await owner.getByTestId('join-qr').waitFor();
    expect(new URL(owner.url()).pathname).toBe(`/t/new-room/m/${meeting.id}/present`);
    expect(await owner.getByTestId('join-address').textContent()).toMatch(/^ask\.example\.test\/j\/\d{6}$/);
  });

  it('gives the admin page its links at PUBLIC_URL, and no warning', async () => {
    await owner.goto('/t/demo/admin');
    await owner
      .getByText(/^https:\/\/ask\.example\.test\/join\//)
      .first()
      .waitFor();
    await owner.getByRole('button', { name: 'New display link' }).click();
    expect(await owner.getByTestId('shown-once').locator('code').textContent()).toMatch(
      /^https:\/\/ask\.example\.test\/display#psd_/,
    );
    expect(await owner.getByTestId('public-url-warning').count()).toBe(0);
  });
});
