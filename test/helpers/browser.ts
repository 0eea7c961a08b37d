/**
 * Headless Chromium (Debian's package) driven by playwright-core for the
 * browser suites: one browser per suite, an axe-core check and a screenshot
 * of every page visited (test-artifacts/<suite>/, git-ignored).
 *
 * Without Chromium a developer's run skips the suite with a hint; in CI (CI
 * set) it fails instead, so a missing browser can never pass unnoticed.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/util/package-root.js';

export const CHROMIUM = process.env.LEERID_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** No outside connections, no sandbox (CI runs as root), no GPU on the test machine. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Containers often have a tiny /dev/shm; Chromium then crashes on big pages.
  '--disable-dev-shm-usage',
];

export function requireChromium(suite: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  const hint = `Chromium is not installed at ${CHROMIUM}: apt-get install chromium`;
  if (process.env.CI) throw new Error(`${hint} (CI is set, so this fails instead of skipping)`);
  console.warn(`      skipped: ${hint}`);
  suite.skip();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A Chromebook's screen (1366 x 768) in Flanders: Dutch pages unless a page says otherwise. */
export const CHROMEBOOK = { viewport: { width: 1366, height: 768 }, locale: 'nl-BE' };

let axeSource: string | undefined;
function axe(): string {
  const path = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  axeSource ??= readFileSync(path, 'utf8');
  return axeSource;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** WCAG 2.1 A and AA rules; the violations rated serious or critical. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated over the DevTools protocol, so the page's CSP does not block it.
  await page.evaluate(axe());
  const result = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run;
    return run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  const { violations } = result as { violations: AxeViolation[] };
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a full-page screenshot as test-artifacts/<suite>/<nn>-<name>.png. */
export function screenshots(suite: string) {
  const dir = join(PACKAGE_ROOT, 'test-artifacts', suite);
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return async (page: Page, name: string) => {
    count += 1;
    const file = join(dir, `${String(count).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** Screenshot plus accessibility check: throws listing the serious violations. */
export function pageChecks(suite: string) {
  const shoot = screenshots(suite);
  return async (page: Page, name: string) => {
    await shoot(page, name);
    const violations = await seriousViolations(page);
    if (violations.length > 0) {
      const list = violations
        .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes[0]?.target)}`)
        .join('\n  ');
      throw new Error(`accessibility violations on ${name} (${page.url()}):\n  ${list}`);
    }
  };
}
