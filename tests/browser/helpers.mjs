// Shared by the browser tests: our own server on a free loopback port, Debian's Chromium in headless mode with
// software WebGL, and a page with every console message and request recorded.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../web/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const pageRoot = process.env.LATENT_WEB_ROOT || path.join(repo, 'build', 'web');
export const resultsDir = process.env.LATENT_TEST_RESULTS || path.join(repo, 'build', 'test-results', 'browser');

// Headless Chromium with WebGL2 in software (SwiftShader), and none of its background traffic.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions',
];

export async function launch() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`${executablePath} not found: install Debian's chromium (scripts/setup.sh browser-tests)`);
  }
  const { server, url } = await startServer({ root: pageRoot, host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// A new page with a log of console messages, page errors and requested URLs.
export async function openPage(session, { width = 1440, height = 900 } = {}) {
  const context = await session.browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const log = { console: [], errors: [], requests: [], failed: [] };
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('requestfailed', (r) => log.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  return { page, log, context };
}

// Loads the app and waits until window.latentCanvas.ready (or its error).
export async function loadApp(session, page, timeout = 60000) {
  await page.goto(session.url);
  await page.waitForFunction(() => window.latentCanvas && (window.latentCanvas.ready || window.latentCanvas.error),
    null, { timeout });
  const error = await page.evaluate(() => window.latentCanvas.error);
  if (error) throw new Error(`the page reported: ${error}`);
}

export function resultPath(name) {
  fs.mkdirSync(resultsDir, { recursive: true });
  return path.join(resultsDir, name);
}
