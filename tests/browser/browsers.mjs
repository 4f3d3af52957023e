// The two browsers the page is tested in, behind one small interface so that each test body runs in both:
//
//   chromium  Debian's Chromium, headless, WebGL2 in software (SwiftShader), driven by playwright-core over CDP.
//   firefox   Debian's Firefox ESR, with a window on an X display (headless Firefox offers no WebGL2 here; under
//             Xvfb it renders with Mesa), driven by puppeteer-core over WebDriver BiDi. Playwright cannot drive
//             Debian's Firefox: it needs its own patched build, which cannot be downloaded here.
//
// LATENT_BROWSERS=chromium (or firefox) limits a run to one of them. A Tab offers what the tests need: loading,
// evaluating, waiting, the mouse, whole strokes of real (trusted) input events sent in one go, request
// overrides, screenshots, and a log of console messages, page errors and requests.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { startServer } from '../../web/server.mjs';

export const BROWSERS = (process.env.LATENT_BROWSERS || 'chromium,firefox').split(',').map((b) => b.trim()).filter(Boolean);

// Headless Chromium with WebGL2 in software (SwiftShader), and none of its background traffic.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions',
];

function executable(name) {
  const path = name === 'chromium' ? process.env.CHROMIUM || '/usr/bin/chromium' : process.env.FIREFOX || '/usr/bin/firefox-esr';
  if (!fs.existsSync(path)) {
    throw new Error(`${path} not found: install Debian's ${name === 'chromium' ? 'chromium' : 'firefox-esr'} (scripts/setup.sh browser-tests)`);
  }
  return path;
}

// The named browser, started: open() gives a fresh, isolated tab (or, with `beside: tab`, another tab of the same
// profile, sharing its storage, as a person's second tab would); close() ends the browser.
export async function startBrowser(name) {
  if (name === 'chromium') return launchChromium();
  if (name === 'firefox') return launchFirefox();
  throw new Error(`unknown browser '${name}' (chromium or firefox)`);
}

// Starts the page's server (ours unless `serve` gives another) and the named browser, or uses `browser` (from
// startBrowser, shared with other sessions: closing this session then leaves it running).
export async function launch(name, { root, serve, browser, frameAncestors } = {}) {
  const { server, url } = await (serve || startServer)({ root, host: '127.0.0.1', port: 0, frameAncestors });
  let driver;
  try {
    driver = browser ? await browser : await startBrowser(name);
  } catch (e) {
    await new Promise((done) => server.close(done));
    throw e;
  }
  return {
    name,
    url,
    server,
    // A fresh, isolated tab: its own cookies, storage and cache.
    open: (options = {}) => driver.open(options),
    async close() {
      if (!browser) await driver.close();
      await new Promise((done) => server.close(done));
    },
  };
}

// A child frame whose address contains `match` (the page's frames list is the same call in both drivers), waited
// for up to 30 s: a frame attaches some time after its parent loads.
async function childFrame(page, match) {
  for (let i = 0; i < 300; i++) {
    const f = page.frames().find((c) => c !== page.mainFrame() && c.url().includes(match));
    if (f) return f;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no frame at an address with '${match}'`);
}

function attachLog(page) {
  const log = { console: [], errors: [], requests: [], failed: [] };
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('requestfailed', (r) => log.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  return log;
}

// What both drivers share: everything that runs in the page itself.
function commonTab(page, log) {
  const frames = (n = 2) => page.evaluate((count) => new Promise((done) => {
    let left = count;
    const tick = () => (--left <= 0 ? done() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), n);
  return {
    page,
    log,
    frames,
    // A key or a chord such as 'Control+z' or 'Shift+Tab', as trusted keyboard events (both drivers' keyboards
    // take the same key names).
    async keys(chord) {
      const parts = chord.split('+');
      const key = parts.pop();
      for (const m of parts) await page.keyboard.down(m);
      await page.keyboard.press(key);
      for (const m of parts.reverse()) await page.keyboard.up(m);
    },
    async text(selector) { return page.evaluate((s) => document.querySelector(s)?.innerText ?? null, selector); },
    async visible(selector) {
      return page.evaluate((s) => { const e = document.querySelector(s); return !!e && !e.hidden && e.getClientRects().length > 0; }, selector);
    },
    // Synthetic (untrusted) pointer events, all dispatched in one task: a stroke arriving between two frames.
    async syntheticStroke(points, { kind = 'mouse', pressures } = {}) {
      await page.evaluate(({ points, kind, pressures }) => {
        const canvas = document.getElementById('canvas');
        const fire = (type, [x, y], i, buttons) => canvas.dispatchEvent(new PointerEvent(type, {
          bubbles: true, cancelable: true, composed: true, pointerId: 90, pointerType: kind, isPrimary: true,
          clientX: x, clientY: y, button: type === 'pointermove' ? -1 : 0, buttons,
          pressure: pressures ? pressures[i] : buttons ? 0.5 : 0,
        }));
        fire('pointerdown', points[0], 0, 1);
        for (let i = 1; i < points.length; i++) fire('pointermove', points[i], i, 1);
        fire('pointerup', points[points.length - 1], points.length - 1, 0);
      }, { points, kind, pressures });
      return { trusted: false };
    },
  };
}

// --- Chromium: playwright-core, and CDP for the input events Playwright does not offer (pen, touch drags) ----

async function launchChromium() {
  const browser = await chromium.launch({ executablePath: executable('chromium'), headless: true, args: CHROMIUM_ARGS });
  return {
    async open({ width = 1440, height = 900, scale = 1, touch = false, beside = null } = {}) {
      const context = beside?.context ?? await browser.newContext({
        viewport: { width, height }, deviceScaleFactor: scale, hasTouch: touch, isMobile: touch,
      });
      const page = await context.newPage();
      const log = attachLog(page);
      let cdp = null;
      const session = async () => (cdp ??= await context.newCDPSession(page));
      return {
        ...commonTab(page, log),
        browser: 'chromium',
        async goto(url) {
          const r = await page.goto(url);
          return { status: r.status(), headers: r.headers() };
        },
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        waitFor: (fn, arg, timeout = 60000) => page.waitForFunction(fn, arg, { timeout }),
        // A child frame whose address contains `match`: its own evaluate and waitFor.
        async frame(match) {
          const f = await childFrame(page, match);
          return { evaluate: (fn, arg) => f.evaluate(fn, arg), waitFor: (fn, arg, timeout = 60000) => f.waitForFunction(fn, arg, { timeout }) };
        },
        mouse: {
          move: (x, y, steps = 1) => page.mouse.move(x, y, { steps }),
          down: () => page.mouse.down(),
          up: () => page.mouse.up(),
        },
        // A whole stroke of trusted events, sent without waiting for each: the browser gets them faster than it
        // draws frames, and merges the moves of a frame into one pointermove with coalesced events.
        async stroke(points, { kind = 'mouse', pressures } = {}) {
          const c = await session();
          const last = points[points.length - 1];
          if (kind === 'touch') {
            const sends = [c.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: points[0][0], y: points[0][1] }] })];
            for (const [x, y] of points.slice(1)) sends.push(c.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] }));
            sends.push(c.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }));
            await Promise.all(sends);
            return { trusted: true };
          }
          const force = (i) => (pressures ? pressures[i] : 0.5);
          const mouse = (type, [x, y], extra) => c.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', pointerType: kind, ...extra });
          const sends = [mouse('mousePressed', points[0], { buttons: 1, clickCount: 1, force: force(0) })];
          points.slice(1).forEach((p, i) => sends.push(mouse('mouseMoved', p, { buttons: 1, force: force(i + 1) })));
          sends.push(mouse('mouseReleased', last, { buttons: 0, clickCount: 1 }));
          await Promise.all(sends);
          return { trusted: true };
        },
        async route(suffix, { status = 200, body = '' }) {
          await page.route(`**/${suffix}`, (route) => route.fulfill({ status, body }));
        },
        addInitScript: (fn) => page.addInitScript(fn),
        // Files chosen in a file input, as a person picking them would.
        setInputFiles: (selector, paths) => page.setInputFiles(selector, paths),
        // Runs `action` and saves the download it starts to `path`; returns the name the page suggested.
        async download(action, path) {
          const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), action()]);
          await download.saveAs(path);
          return download.suggestedFilename();
        },
        setViewport: ({ width, height }) => page.setViewportSize({ width, height }),
        screenshot: (path) => page.screenshot({ path }),
        context,
        close: () => (beside ? page.close() : context.close()),
      };
    },
    close: () => browser.close(),
  };
}

// --- Firefox: puppeteer-core over WebDriver BiDi ------------------------------------------------------------

async function launchFirefox() {
  if (!process.env.DISPLAY) {
    throw new Error('Firefox needs an X display for WebGL2: run the tests under xvfb-run (scripts/test.sh does)');
  }
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: executable('firefox'), headless: false,
    extraPrefsFirefox: { 'browser.shell.checkDefaultBrowser': false, 'datareporting.policy.dataSubmissionEnabled': false },
  });
  return {
    async open({ width = 1440, height = 900, scale = 1, touch = false, beside = null } = {}) {
      const context = beside?.context ?? await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width, height, deviceScaleFactor: scale, hasTouch: touch, isMobile: false });
      const log = attachLog(page);
      const overrides = new Map();
      const actions = (source) => page.mainFrame().browsingContext.performActions([source]);
      const at = ([x, y]) => ({ x: Math.round(x), y: Math.round(y), origin: 'viewport' });
      return {
        ...commonTab(page, log),
        browser: 'firefox',
        async goto(url) {
          const r = await page.goto(url);
          return { status: r?.status(), headers: r?.headers() ?? {} };
        },
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        waitFor: (fn, arg, timeout = 60000) => page.waitForFunction(fn, { timeout }, arg),
        async frame(match) {
          const f = await childFrame(page, match);
          return { evaluate: (fn, arg) => f.evaluate(fn, arg), waitFor: (fn, arg, timeout = 60000) => f.waitForFunction(fn, { timeout }, arg) };
        },
        mouse: {
          move: (x, y, steps = 1) => page.mouse.move(x, y, { steps }),
          down: () => page.mouse.down(),
          up: () => page.mouse.up(),
        },
        // A whole stroke as one WebDriver BiDi action sequence: Firefox dispatches it without waiting for frames.
        // Firefox's WebDriver cannot move a pen ("Unimplemented pointerMove for pointerType pen"), so a pen
        // stroke is made of synthetic PointerEvents instead, and says so.
        async stroke(points, { kind = 'mouse', pressures } = {}) {
          if (kind === 'pen') return this.syntheticStroke(points, { kind, pressures });
          const pressure = (i) => (pressures ? { pressure: pressures[i] } : {});
          await actions({
            type: 'pointer', id: `stroke-${kind}`, parameters: { pointerType: kind },
            actions: [
              { type: 'pointerMove', ...at(points[0]) },
              { type: 'pointerDown', button: 0, ...pressure(0) },
              ...points.slice(1).map((p, i) => ({ type: 'pointerMove', ...at(p), ...pressure(i + 1) })),
              { type: 'pointerUp', button: 0 },
            ],
          });
          return { trusted: true };
        },
        async route(suffix, { status = 200, body = '' }) {
          if (overrides.size === 0) {
            await page.setRequestInterception(true);
            page.on('request', (request) => {
              if (request.isInterceptResolutionHandled()) return;
              const hit = [...overrides.entries()].find(([s]) => new URL(request.url()).pathname.endsWith(`/${s}`));
              if (hit) request.respond({ status: hit[1].status, body: hit[1].body, contentType: 'application/octet-stream' });
              else request.continue();
            });
          }
          overrides.set(suffix, { status, body });
        },
        addInitScript: (fn) => page.evaluateOnNewDocument(fn),
        async setInputFiles(selector, paths) {
          const input = await page.$(selector);
          await input.uploadFile(...paths);
        },
        download: null,  // puppeteer's Firefox (BiDi) cannot catch downloads; the tests read the bytes instead
        setViewport: ({ width, height }) => page.setViewport({ width, height }),
        screenshot: (path) => page.screenshot({ path }),
        context,
        close: () => (beside ? page.close() : context.close()),
      };
    },
    close: () => browser.close(),
  };
}
