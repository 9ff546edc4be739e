/**
 * The audit log as an admin reads it: an action taken on the moderation console shows up with who did
 * it, narrows by action, downloads as CSV, and fits a phone.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  openWindow,
  type Stage,
  signIn,
  signInToMeeting,
  startStage,
} from './browser';

describe('the audit log page', () => {
  let stage: Stage;
  let owner: Page;

  beforeAll(async () => {
    stage = await startStage();
    owner = await (await openWindow(stage.browser, stage.api.url, 'desktop')).newPage();
    await signInToMeeting(owner, 'owner@demo.test', 'moderate');
    await owner.locator('[data-connection="live"]').waitFor();
  }, 90_000);
  afterAll(() => stage?.close());

  const entries = (page: Page) => page.getByTestId('audit-entry');

  it('shows a pin made on the console, with who made it, and narrows to one action', async () => {
    const question = owner.locator('article[data-question-id]').first();
    await question.getByRole('button', { name: /^Pin/ }).click();
    await question.getByRole('button', { name: /^Unpin/ }).waitFor();

    await owner.goto('/t/demo/admin');
    await owner.getByRole('link', { name: 'Audit log' }).click();
    await owner.getByRole('heading', { name: 'Audit log' }).waitFor();
    const pin = entries(owner).filter({ hasText: 'Pinned a question' });
    await pin.waitFor();
    expect(await pin.textContent()).toContain('Olivia Owner');
    expect(await pin.textContent()).toContain('pinned: yes');

    await owner.getByLabel('Action').selectOption({ label: 'Created a meeting' });
    await owner.getByText('Nothing recorded that matches.').waitFor();
    await owner.getByLabel('Action').selectOption({ label: 'Pinned a question' });
    await pin.waitFor();
    expect(await entries(owner).count()).toBe(1);
    expect(await accessibilityProblems(owner)).toEqual([]);
  });

  it('downloads the entries of the current filter as CSV', async () => {
    const [download] = await Promise.all([
      owner.waitForEvent('download'),
      owner.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('demo-audit-log.csv');
    const lines = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('Olivia Owner,person,');
    expect(lines[1]).toContain(',question.pin,question,');
  });

  it('fits a phone screen', async () => {
    const phone = await (await openWindow(stage.browser, stage.api.url, 'phone')).newPage();
    await signIn(phone, 'owner@demo.test', '/t/demo/audit');
    await entries(phone).first().waitFor();
    const width = await phone.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(width.document).toBeLessThanOrEqual(width.viewport);
    expect(await accessibilityProblems(phone)).toEqual([]);
  });
});
