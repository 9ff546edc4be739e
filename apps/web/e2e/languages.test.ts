/**
 * The web app in English, German, French and Spanish: the browser's language decides unless the
 * organization set a default, and a person's own choice beats both, at once and after a reload. Only
 * the language shown is downloaded.
 */
import { DEMO_PASSWORD } from '@pulsestage/test-harness/accounts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MEETING, meetingPath, openWindow, type Stage, startStage } from './browser';

interface Expected {
  ask: string;
  answeredTab: string;
  /** The word after a vote count, by the language's plural category. */
  votes: Partial<Record<Intl.LDMLPluralRule, string>>;
  /** What a relative time of the demo's questions says ("3 minutes ago"). */
  ago: RegExp;
  openNowGroup: string;
  openSince: string;
  signIn: string;
  /** The header bell's name, before any unread count. */
  notifications: string;
}

const LANGUAGES: Record<'en' | 'de' | 'fr' | 'es', Expected> = {
  en: {
    ask: 'Ask a question',
    answeredTab: 'Answered',
    votes: { one: 'upvote', other: 'upvotes' },
    ago: /ago|now/,
    openNowGroup: 'Open now',
    openSince: 'Open since',
    signIn: 'Sign in',
    notifications: 'Notifications',
  },
  de: {
    ask: 'Eine Frage stellen',
    answeredTab: 'Beantwortet',
    votes: { one: 'Stimme', other: 'Stimmen' },
    ago: /vor |jetzt/,
    openNowGroup: 'Jetzt geöffnet',
    openSince: 'Geöffnet seit',
    signIn: 'Anmelden',
    notifications: 'Benachrichtigungen',
  },
  fr: {
    ask: 'Poser une question',
    answeredTab: 'Répondues',
    votes: { one: 'vote', many: 'votes', other: 'votes' },
    ago: /il y a|maintenant/,
    openNowGroup: 'Ouvertes maintenant',
    openSince: 'Ouverte depuis',
    signIn: 'Se connecter',
    notifications: 'Notifications',
  },
  es: {
    ask: 'Haga una pregunta',
    answeredTab: 'Respondidas',
    votes: { one: 'voto', many: 'votos', other: 'votos' },
    ago: /hace |ahora/,
    openNowGroup: 'Abiertas ahora',
    openSince: 'Abierta desde',
    signIn: 'Iniciar sesión',
    notifications: 'Notificaciones',
  },
};

/** Generous for a loaded machine; a change of language itself is immediate. */
const SWITCH = { timeout: 20_000 };

async function signInByRequest(page: Page, email: string): Promise<void> {
  const response = await page.request.post('/trpc/auth.signIn', { data: { email, password: DEMO_PASSWORD } });
  expect(response.ok(), await response.text()).toBe(true);
}

async function call(page: Page, procedure: string, input: object) {
  const response = await page.request.post(`/trpc/${procedure}`, { data: input });
  expect(response.ok(), `${procedure}: ${await response.text()}`).toBe(true);
}

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

/** The language catalogs the page downloaded, by their chunk's name. */
function watchCatalogs(page: Page): string[] {
  const loaded: string[] = [];
  page.on('request', (request) => {
    const catalog = new URL(request.url()).pathname.match(/^\/assets\/(en|de|fr|es)-[\w-]+\.js$/)?.[1];
    if (catalog) loaded.push(catalog);
  });
  return loaded;
}

describe('languages', () => {
  let stage: Stage;
  const errors: string[] = [];

  beforeAll(async () => {
    stage = await startStage();
  });
  afterAll(() => stage?.close());

  const windowIn = async (locale: string) => {
    const page = await (await openWindow(stage.browser, stage.api.url, 'phone', locale)).newPage();
    page.on('pageerror', (error) => errors.push(String(error)));
    return page;
  };

  it.each(Object.entries(LANGUAGES))(
    'shows a participant the meeting in the browser language %s, downloading only that catalog',
    async (language, expected) => {
      const page = await windowIn(language === 'en' ? 'en-US' : language);
      const catalogs = watchCatalogs(page);
      await signInByRequest(page, 'alice@demo.test');
      await page.goto(await meetingPath(page));

      await page.getByLabel(expected.ask).waitFor();
      expect(await htmlLang(page)).toBe(language);
      await page.getByRole('button', { name: new RegExp(`^${expected.notifications}(,|$)`) }).waitFor();
      await page.getByRole('button', { name: expected.answeredTab, exact: true }).waitFor();
      await page.getByTestId('vote').first().waitFor();
      // Each count is followed by its word in the form the language's plural rules ask for.
      const rules = new Intl.PluralRules(language);
      const seen = new Set<string>();
      for (const vote of await page.getByTestId('vote').all()) {
        const count = Number(await vote.getByTestId('vote-count').textContent());
        const category = rules.select(count);
        seen.add(category);
        expect((await vote.getAttribute('aria-label')) ?? (await vote.textContent())).toContain(
          expected.votes[category],
        );
      }
      expect([...seen].sort()).toEqual(expect.arrayContaining(['one', 'other']));
      expect(await page.locator('article time').first().textContent()).toMatch(expected.ago);
      expect(catalogs).toEqual([language]);

      // A date in that language: the meetings page says since when the demo meeting is open.
      await page.goto('/t/demo');
      await page.getByRole('heading', { name: expected.openNowGroup }).waitFor();
      const card = page.getByTestId('meeting-card').filter({ hasText: DEMO_MEETING });
      const timing = (await card.locator('p').first().textContent()) ?? '';
      expect(timing.startsWith(expected.openSince)).toBe(true);
      const openedAt = await openedAtOfDemoMeeting(page);
      const inLanguage = await page.evaluate(
        ([iso, locale]) =>
          new Intl.DateTimeFormat(locale, {
            weekday: 'short',
            day: 'numeric',
            month: 'short',
            hour: '2-digit',
            minute: '2-digit',
          }).format(new Date(iso ?? '')),
        [openedAt, language],
      );
      expect(timing).toContain(inLanguage);
      await page.context().close();
    },
  );

  it('changes the language at once from the switcher, and keeps it after a reload', async () => {
    const page = await windowIn('en-US');
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Language').selectOption({ label: 'Deutsch' });
    await page.getByRole('heading', { name: LANGUAGES.de.signIn }).waitFor(SWITCH);
    expect(await htmlLang(page)).toBe('de');

    await page.reload();
    await page.getByRole('heading', { name: LANGUAGES.de.signIn }).waitFor(SWITCH);
    expect(await htmlLang(page)).toBe('de');

    // Automatic follows the browser again.
    await page.getByLabel('Sprache').selectOption({ label: 'Automatisch' });
    await page.getByRole('heading', { name: LANGUAGES.en.signIn }).waitFor(SWITCH);
    expect(await htmlLang(page)).toBe('en');
    await page.context().close();
  });

  it("speaks the organization's default language to a browser in another one, unless the person chose", async () => {
    const owner = await windowIn('en-US');
    await signInByRequest(owner, 'owner@demo.test');
    await call(owner, 'tenant.updateSettings', { tenant: 'demo', defaultLanguage: 'fr' });

    const page = await windowIn('en-US');
    await signInByRequest(page, 'alice@demo.test');
    await page.goto(await meetingPath(page));
    await page.getByLabel(LANGUAGES.fr.ask).waitFor(SWITCH);
    expect(await htmlLang(page)).toBe('fr');

    await page.getByLabel('Langue').selectOption({ label: 'Español' });
    await page.getByLabel(LANGUAGES.es.ask).waitFor(SWITCH);
    await page.reload();
    await page.getByLabel(LANGUAGES.es.ask).waitFor(SWITCH);
    expect(await htmlLang(page)).toBe('es');

    await call(owner, 'tenant.updateSettings', { tenant: 'demo', defaultLanguage: null });
    await owner.context().close();
    await page.context().close();
  });

  it('raised no script error on any page', () => {
    expect(errors).toEqual([]);
  });
});

async function openedAtOfDemoMeeting(page: Page): Promise<string> {
  const input = encodeURIComponent(JSON.stringify({ tenant: 'demo' }));
  const response = await page.request.get(`/trpc/meeting.list?input=${input}`);
  const items: { title: string; openedAt: string | null }[] = (await response.json()).result.data.items;
  const openedAt = items.find((meeting) => meeting.title === DEMO_MEETING)?.openedAt;
  if (!openedAt) throw new Error('the demo meeting is not open');
  return openedAt;
}
