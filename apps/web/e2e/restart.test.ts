/**
 * Pages opened before a restart that have received no event yet: their streams reconnect from where
 * their snapshots stood, so what happens while they reconnect still reaches them.
 */
import { mutate, signIn as signInByApi } from '@pulsestage/test-harness/accounts';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_MEETING_PAGE,
  demoMeetingId,
  openWindow,
  type Stage,
  signInToMeeting,
  startStage,
} from './browser';

/** Chromium waits a few seconds before reconnecting an EventSource; the API takes a second or two. */
const RESUME_MS = 20_000;
const demo = { tenant: 'demo' } as const;

const questionCard = (page: Page, body: string): Locator =>
  page.locator('article', { has: page.getByText(body, { exact: true }) });

interface PlainStreamWindow {
  plainMessages: string[];
  plainSource: EventSource;
}

describe('pages that saw no event yet, across an API restart', () => {
  let stage: Stage;
  const windows: BrowserContext[] = [];
  let participant: Page;
  let moderator: Page;
  let display: Page;
  let moderatorCookie: string;
  let questionId: string;
  let meetingId: string;
  const asked = 'Does the restart lose anything?';

  beforeAll(async () => {
    stage = await startStage();
    const open = async (size: 'phone' | 'desktop') => {
      const context = await openWindow(stage.browser, stage.api.url, size);
      windows.push(context);
      return context.newPage();
    };
    const aliceCookie = await signInByApi(stage.api.url, 'alice@demo.test');
    moderatorCookie = await signInByApi(stage.api.url, 'mod@demo.test');
    const ownerCookie = await signInByApi(stage.api.url, 'owner@demo.test');
    meetingId = await demoMeetingId(stage.api.url, aliceCookie);
    ({ id: questionId } = await mutate<{ id: string }>(
      stage.api.url,
      'question.submit',
      { ...demo, meetingId, body: asked },
      aliceCookie,
    ));
    const link = await mutate<{ token: string }>(
      stage.api.url,
      'tenant.createDisplayLink',
      demo,
      ownerCookie,
    );

    participant = await open('phone');
    await signInToMeeting(participant, 'alice@demo.test');
    moderator = await open('desktop');
    await signInToMeeting(moderator, 'mod@demo.test', 'moderate');
    display = await open('desktop');
    await display.goto(`/display#${link.token}`);
    await display.waitForURL(DEMO_MEETING_PAGE('present'));
    // A plain EventSource as well, on the moderator's origin: it too has received no event.
    await moderator.evaluate(() => {
      const target = window as unknown as PlainStreamWindow;
      target.plainMessages = [];
      target.plainSource = new EventSource('/events?tenant=demo');
      target.plainSource.onmessage = (message) => target.plainMessages.push(message.data);
    });
    await participant.getByRole('button', { name: /^Mine/ }).click();
    for (const page of [participant, moderator, display]) {
      await page.locator('[data-connection="live"]').waitFor();
      await page.getByText(asked).first().waitFor();
    }
    await moderator.waitForFunction(
      () => (window as unknown as PlainStreamWindow).plainSource.readyState === 1,
    );
  }, 120_000);

  afterAll(async () => {
    for (const context of windows) await context.close();
    await stage?.close();
  });

  it('shows an answer given as soon as the restarted API is ready, on every page, without a reload', async () => {
    await stage.api.restart('SIGKILL');
    const answer = 'Nothing: every page resumes where it stood.';
    await mutate(
      stage.api.url,
      'question.answer',
      { ...demo, meetingId, questionId, responseText: answer },
      moderatorCookie,
    );

    await questionCard(participant, asked).getByText(answer).waitFor({ timeout: RESUME_MS });
    await questionCard(moderator, asked).waitFor({ state: 'detached', timeout: RESUME_MS });
    await display.getByText(asked).waitFor({ state: 'detached', timeout: RESUME_MS });
    await moderator.waitForFunction(
      (id) =>
        (window as unknown as PlainStreamWindow).plainMessages.some((data) => {
          const event = JSON.parse(data) as { type: string; data: { id?: string } };
          return event.type === 'question:answered' && event.data.id === id;
        }),
      questionId,
      { timeout: RESUME_MS },
    );
    for (const page of [participant, moderator]) {
      await page.locator('[data-connection="live"]').waitFor({ timeout: RESUME_MS });
    }
    expect(await participant.getByText(asked).count()).toBeGreaterThan(0);
  });
});
