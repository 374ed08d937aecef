import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ensureDebianPackage } from '../../scripts/local/prerequisites.js';

/**
 * Real Chromium for the console's tests: Debian's `chromium` package driven by playwright-core
 * (which downloads no browser). A machine without it gets it installed here when we run as root
 * with apt, as `playwright install --with-deps` would; elsewhere the tests stop and name the package.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'console');

export function ensureChromium(): void {
  ensureDebianPackage(CHROMIUM, 'chromium', 'the browser tests of the console');
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root Chromium needs --no-sandbox; the rest keep it from calling Google's hosts at start,
    // which this machine's closed network refuses (docs/operations.md#machine-prerequisites, machines/node.md).
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page of its own context (axe refuses pages of `browser.newPage()`), 375 px wide when narrow. */
export async function newPage(
  browser: Browser,
  options: { narrow?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.narrow ? { width: 375, height: 812 } : { width: 1280, height: 900 },
  });
  return { context, page: await context.newPage() };
}

/** axe-core's serious and critical violations of the page as it is now (WCAG 2 A/AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
}

/** A run starts with no screenshots, so the folder shows this run's pages only. */
export function clearScreenshots(): void {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
