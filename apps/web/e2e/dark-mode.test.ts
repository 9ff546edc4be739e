/**
 * Dark mode: every page follows a dark system setting and still passes the accessibility checks; the
 * theme choice overrides the system, survives a reload, and "System" follows the system live.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  joinPathFromAdminPage,
  meetingPath,
  openWindow,
  type Stage,
  screenshot,
  signIn,
  startStage,
} from './browser';

/** Generous for a loaded machine; a theme switch itself is immediate. */
const SWITCH = { timeout: 20_000 };
const DARK = 0.1;
const LIGHT = 0.7;

/**
 * The relative luminance (0 black … 1 white) of the first painted background at or behind `element`
 * (the page's own surface for `body`), as the browser resolves the colour: painted on a canvas and read
 * back, whatever notation the computed style uses.
 */
function backgroundLuminance(element: Locator): Promise<number> {
  return element.evaluate((start) => {
    let node: Element | null = start;
    let color = 'rgb(255, 255, 255)';
    for (; node; node = node.parentElement) {
      const background = getComputedStyle(node).backgroundColor;
      if (background !== 'rgba(0, 0, 0, 0)' && background !== 'transparent') {
        color = background;
        break;
      }
    }
    const context = document.createElement('canvas').getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    context.fillStyle = color;
    context.fillRect(0, 0, 1, 1);
    const [red = 0, green = 0, blue = 0] = [...context.getImageData(0, 0, 1, 1).data].map((byte) => {
      const channel = byte / 255;
      return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
  });
}

const pageSurface = (page: Page) => backgroundLuminance(page.locator('body'));

describe('dark mode', () => {
  let stage: Stage;
  let owner: Page;
  let participant: Page;
  let anonymous: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    stage = await startStage();
    const darkPage = async (size: 'phone' | 'desktop') => {
      const page = await (await openWindow(stage.browser, stage.api.url, size)).newPage();
      await page.emulateMedia({ colorScheme: 'dark' });
      page.on('pageerror', (error) => errors.push(String(error)));
      return page;
    };
    [owner, participant, anonymous] = await Promise.all([
      darkPage('desktop'),
      darkPage('phone'),
      darkPage('phone'),
    ]);
    await Promise.all([signIn(owner, 'owner@demo.test'), signIn(participant, 'alice@demo.test')]);
  });
  afterAll(() => stage?.close());

  it('shows every page dark when the system is dark, and each passes the accessibility checks', async () => {
    const problems: string[] = [];
    const visit = async (page: Page, path: string, heading: string | RegExp, ready?: () => Promise<void>) => {
      await page.goto(path);
      await page.getByRole('heading', { name: heading }).first().waitFor();
      await page.locator('[data-connection="live"], form, main').first().waitFor();
      await ready?.();
      expect(await page.evaluate(() => document.documentElement.dataset.theme), path).toBe('dark');
      expect(await pageSurface(page), path).toBeLessThan(DARK);
      problems.push(...(await accessibilityProblems(page)).map((problem) => `${path}: ${problem}`));
    };

    await visit(owner, '/', 'Your organizations');
    await visit(owner, '/t/demo', 'December all-hands');
    await screenshot(owner, 'meetings-dark-desktop');
    await visit(owner, await meetingPath(owner, 'moderate'), 'Moderation');
    await screenshot(owner, 'moderate-dark-desktop');
    await visit(owner, '/t/demo/admin', 'Administration');
    const joinPath = await joinPathFromAdminPage(owner);
    await visit(owner, '/t/demo/pulse/results', 'Pulse results', () =>
      owner.getByTestId('pulse-results').first().locator('canvas').waitFor(),
    );
    await visit(owner, await meetingPath(owner, 'analytics'), /^Analytics/, () =>
      owner.getByTestId('meeting-charts').locator('canvas').first().waitFor(),
    );
    await screenshot(owner, 'analytics-dark-desktop');
    await visit(owner, await meetingPath(owner, 'present'), 'December all-hands', () =>
      owner.getByTestId('join-qr').locator('svg').waitFor(),
    );
    // The display is dark in both themes; its QR code keeps dark modules on light paper to stay scannable.
    expect(await backgroundLuminance(owner.getByTestId('join-qr'))).toBeGreaterThan(LIGHT);
    await screenshot(owner, 'present-dark-desktop');

    await visit(participant, await meetingPath(participant), 'December all-hands', () =>
      participant.locator('[data-connection="live"]').waitFor(),
    );
    await screenshot(participant, 'participant-dark-phone');

    await visit(anonymous, '/sign-in', 'Sign in');
    await screenshot(anonymous, 'sign-in-dark-phone');
    await visit(anonymous, joinPath, 'Join Demo Org');

    expect(problems).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('keeps a chosen theme over the system one across a reload, and follows the system again on "System"', async () => {
    await anonymous.goto('/sign-in');
    const theme = anonymous.getByLabel('Theme');
    await theme.selectOption('light');
    await expect.poll(() => pageSurface(anonymous), SWITCH).toBeGreaterThan(LIGHT);

    await anonymous.reload();
    await anonymous.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await theme.inputValue()).toBe('light');
    expect(await pageSurface(anonymous)).toBeGreaterThan(LIGHT);
    expect(await accessibilityProblems(anonymous)).toEqual([]);

    await theme.selectOption('system');
    await expect.poll(() => pageSurface(anonymous), SWITCH).toBeLessThan(DARK);
    await anonymous.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => pageSurface(anonymous), SWITCH).toBeGreaterThan(LIGHT);
    await anonymous.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => pageSurface(anonymous), SWITCH).toBeLessThan(DARK);
  });
});
