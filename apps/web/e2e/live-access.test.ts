/**
 * Open pages follow what admins change: settings and roles arrive live, and a page whose access
 * ended clears its questions and says so instead of keeping them under an "Offline" pill.
 */

import type { Member } from '@pulsestage/contracts';
import { mutate, signIn as signInByApi } from '@pulsestage/test-harness/accounts';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_MEETING_PAGE,
  demoMeetingId,
  openWindow,
  type Stage,
  signInToMeeting,
  startStage,
} from './browser';

const LIVE_MS = 10_000;
const demo = { tenant: 'demo' } as const;

describe('settings, roles and the end of access, live in the browser', () => {
  let stage: Stage;
  const windows: BrowserContext[] = [];
  let ownerCookie: string;
  let members: Member[];
  const asked = 'Who decides what we build next quarter?';

  const open = async (size: 'phone' | 'desktop') => {
    const context = await openWindow(stage.browser, stage.api.url, size);
    windows.push(context);
    return context.newPage();
  };
  const asOwner = <T>(path: string, input: object) =>
    mutate<T>(stage.api.url, path, { ...demo, ...input }, ownerCookie);
  const userIdOf = (email: string) => members.find((member) => member.email === email)?.userId ?? '';

  /** A page of the demo's meeting (`sub`) for `email`, live and showing the question asked before it opened. */
  async function livePage(email: string, sub: '' | 'moderate' = ''): Promise<Page> {
    const page = await open('desktop');
    await signInToMeeting(page, email, sub);
    await page.locator('[data-connection="live"]').waitFor({ timeout: LIVE_MS });
    await page.getByText(asked).first().waitFor();
    return page;
  }

  beforeAll(async () => {
    stage = await startStage();
    ownerCookie = await signInByApi(stage.api.url, 'owner@demo.test');
    const aliceCookie = await signInByApi(stage.api.url, 'alice@demo.test');
    const meetingId = await demoMeetingId(stage.api.url, aliceCookie);
    await mutate(stage.api.url, 'question.submit', { ...demo, meetingId, body: asked }, aliceCookie);
    const response = await fetch(
      `${stage.api.url}/trpc/tenant.members?input=${encodeURIComponent(JSON.stringify(demo))}`,
      { headers: { cookie: ownerCookie } },
    );
    members = ((await response.json()) as { result: { data: Member[] } }).result.data;
  }, 120_000);

  afterAll(async () => {
    for (const context of windows) await context.close();
    await stage?.close();
  });

  it('applies new settings to an open submit box: the length limit and the review notice', async () => {
    const alice = await livePage('alice@demo.test');
    expect(await alice.getByTestId('review-notice').count()).toBe(0);

    await asOwner('tenant.updateSettings', { requireApproval: true, maxQuestionLength: 120 });
    await alice.getByTestId('review-notice').waitFor({ timeout: LIVE_MS });
    await alice.getByText('0 / 120').waitFor({ timeout: LIVE_MS });

    await asOwner('tenant.updateSettings', { requireApproval: false });
    await alice.getByTestId('review-notice').waitFor({ state: 'detached', timeout: LIVE_MS });
  });

  it('shows the moderator link when the person is promoted and takes it away when demoted', async () => {
    const bob = await livePage('bob@demo.test');
    const moderateLink = bob.getByRole('link', { name: 'Moderate' });
    expect(await moderateLink.count()).toBe(0);

    await asOwner('tenant.setRole', { userId: userIdOf('bob@demo.test'), role: 'moderator' });
    await moderateLink.waitFor({ timeout: LIVE_MS });
    await asOwner('tenant.setRole', { userId: userIdOf('bob@demo.test'), role: 'member' });
    await moderateLink.waitFor({ state: 'detached', timeout: LIVE_MS });
  });

  it('clears the participant and moderator pages of removed people and says their access ended', async () => {
    const bob = await livePage('bob@demo.test');
    const moderator = await livePage('mod@demo.test', 'moderate');

    for (const email of ['bob@demo.test', 'mod@demo.test']) {
      await asOwner('tenant.removeMember', { userId: userIdOf(email) });
    }
    for (const page of [bob, moderator]) {
      await page.getByRole('heading', { name: /Your access to .* has ended/ }).waitFor({ timeout: LIVE_MS });
      await page.getByText('Ask an admin of').waitFor();
      expect(await page.getByText(asked).count()).toBe(0);
      expect(await page.locator('[data-connection]').count()).toBe(0);
    }
  });

  it('clears a display whose link was revoked and says to ask for a new one', async () => {
    const link = await asOwner<{ id: string; token: string }>('tenant.createDisplayLink', {});
    const display = await open('desktop');
    await display.goto(`/display#${link.token}`);
    await display.waitForURL(DEMO_MEETING_PAGE('present'));
    await display.locator('[data-connection="live"]').waitFor({ timeout: LIVE_MS });
    await display.getByText(asked).first().waitFor();

    await asOwner('tenant.revokeLink', { linkId: link.id });
    await display
      .getByRole('heading', { name: 'This display’s access has ended' })
      .waitFor({ timeout: LIVE_MS });
    await display.getByText('Ask an admin of').waitFor();
    expect(await display.getByText(asked).count()).toBe(0);
  });

  it('tells a participant whose meeting was deleted so, instead of its questions', async () => {
    const meeting = await asOwner<{ id: string }>('meeting.create', { title: 'Short-lived stand-up' });
    await asOwner('meeting.open', { meetingId: meeting.id });
    const alice = await open('desktop');
    await signInToMeeting(alice, 'alice@demo.test', '', 'Short-lived stand-up');
    await alice.locator('[data-connection="live"]').waitFor({ timeout: LIVE_MS });

    await asOwner('meeting.delete', { meetingId: meeting.id });
    await alice
      .getByRole('heading', { name: '“Short-lived stand-up” was deleted' })
      .waitFor({ timeout: LIVE_MS });
    expect(await alice.getByLabel('Ask a question').count()).toBe(0);
  });
});
