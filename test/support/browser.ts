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

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
