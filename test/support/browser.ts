/**
 * Browser tests: Debian's Chromium driven by playwright-core against the real stack
 * (useApiStack) serving the built UI. UI_DIST picks another build (parallel builds).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { useApiStack } from './stack';

export const root = path.resolve(__dirname, '..', '..');
export const artifacts = path.join(root, 'test-artifacts');

/** A phone's screen in CSS pixels (an iPhone 12–15), for the narrow-screen checks. */
export const PHONE = { width: 390, height: 844 };

/** The stack with the UI, and one headless Chromium for the whole file. */
export function useBrowserStack(config: Record<string, unknown> = {}) {
  const stack = useApiStack({ UI_DIST: process.env.UI_DIST ?? path.join(root, 'dist', 'ui'), ...config });
  const state: { browser?: Browser } = {};
  beforeAll(async () => {
    state.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    fs.mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await state.browser?.close();
  });
  return {
    stack,
    get browser(): Browser {
      if (!state.browser) throw new Error('browser not started');
      return state.browser;
    },
    /** A fresh context (its own cookies: one person) in Finnish or English. */
    async context(locale: 'fi' | 'en' = 'fi', viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
      const context = await this.browser.newContext({ viewport, locale: locale === 'fi' ? 'fi-FI' : 'en-GB' });
      // The UI keeps the chosen language in localStorage under "locale".
      await context.addInitScript(`localStorage.setItem('locale', ${JSON.stringify(locale)})`);
      return context;
    },
    /**
     * A page in a fresh context (see `context`) signed in as the seeded user `name` through the
     * identity provider, at `returnTo`. Close it with `page.context().close()` where the test
     * goes on after it.
     */
    async signedInPage(
      name: string,
      returnTo = '/',
      locale: 'fi' | 'en' = 'fi',
      viewport?: { width: number; height: number },
    ): Promise<Page> {
      const page = await (await this.context(locale, viewport)).newPage();
      await signIn(page, stack.base, name, returnTo);
      return page;
    },
  };
}

/**
 * Signs in through the identity provider's page as the seeded user named `name`, starting
 * from `returnTo`, and waits until the UI shows the name.
 */
export async function signIn(page: Page, base: string, name: string, returnTo = '/'): Promise<void> {
  await page.goto(`${base}${returnTo}`);
  await page.locator('header a[href^="/api/auth/login"]').click();
  await page.getByRole('button', { name }).click();
  await page.getByTestId('signed-in').getByText(name).waitFor();
}

/**
 * A full-page capture draws fixed elements where the viewport's top would put them, over the
 * middle of a long page; the closed chat launcher (which floats at the visible corner) is left
 * out of such captures. An open chat panel is kept.
 */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({
    path: path.join(artifacts, `${name}.png`),
    fullPage: true,
    style: '.chat:not(:has(.panel)) { visibility: hidden; }',
  });

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The WCAG 2.1 A and AA violations (axe-core) on the page as it is now, one line each:
 * `rule (impact): the elements`. axe is evaluated by the driver, outside the page's CSP.
 */
export async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const found = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  )) as Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }>;
  return found.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Collects, from now on, the console's Content-Security-Policy complaints and the page's
 * uncaught errors; the returned array fills as they come.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** Whether the page fits its window's width (nothing scrolls sideways but inner scroll areas). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) as boolean;
}
