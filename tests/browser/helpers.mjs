// Shared by the browser tests: where the built page and the results are, a describe() per browser with its
// session, loading the app, strokes in drawing-area units, and measures of the 28 x 28 input.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BROWSERS, launch, startBrowser } from './browsers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const pageRoot = process.env.LATENT_WEB_ROOT || path.join(repo, 'build', 'web');
export const resultsDir = process.env.LATENT_TEST_RESULTS || path.join(repo, 'build', 'test-results', 'browser');

export function resultPath(name) {
  fs.mkdirSync(resultsDir, { recursive: true });
  return path.join(resultsDir, name);
}

// Each browser is started once per test file, when its first block begins, and closed after the file's last
// test (Firefox takes about 5 s to start); every block gets its own server, and every tab its own profile.
const browsers = new Map();
let closesBrowsers = false;
function sharedBrowser(name) {
  if (!browsers.has(name)) browsers.set(name, startBrowser(name));
  return browsers.get(name);
}

// describe(`${title} (${browser})`) for each tested browser, with that browser's session (the file's browser and
// a server for the block) passed to `body` as a getter. Call it at a test file's top level.
export function forEachBrowser(title, body, options = {}) {
  if (!closesBrowsers) {  // a hook of the file's own (root) test, so it runs once all its blocks are done
    closesBrowsers = true;
    after(async () => {
      for (const started of browsers.values()) await started.then((b) => b.close(), () => {});
    });
  }
  for (const name of BROWSERS) {
    describe(`${title} (${name})`, () => {
      let session;
      before(async () => { session = await launch(name, { root: pageRoot, ...options, browser: sharedBrowser(name) }); });
      after(async () => { await session?.close(); });
      body(() => session);
    });
  }
}

// Loads the app (at `path` under the server's root, e.g. '?threads=off') and waits until window.latentCanvas.ready
// (or its error, which fails the test). The guided tour, which opens on a first visit, is remembered as seen
// first (so that it covers nothing a test presses), unless `firstVisit`.
export async function loadApp(session, tab, timeout = 60000, path = '', { firstVisit = false } = {}) {
  if (!firstVisit) await tab.addInitScript(() => { try { localStorage.setItem('latentCanvas.tour', 'closed'); } catch {} });
  const response = await tab.goto(session.url + path);
  await tab.waitFor(() => window.latentCanvas && (window.latentCanvas.ready || window.latentCanvas.error), null, timeout);
  const error = await tab.evaluate(() => window.latentCanvas.error);
  if (error) throw new Error(`the page reported: ${error}`);
  return response;
}

export const state = (tab) => tab.evaluate(() => window.latentCanvas.state());
// Calls a script-API function by name with arguments, in the page.
export const api = (tab, name, ...args) => tab.evaluate(([n, a]) => window.latentCanvas[n](...a), [name, args]);
export const controls = (tab) => tab.evaluate(() => window.latentCanvas.controls());
// Presses an interface control (by its controls() name) with the mouse, as a person would.
export async function press(tab, control) {
  const c = (await controls(tab))[control];
  assert.ok(c, `${control} is on screen`);
  await tab.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
  await tab.frames(1);
  await tab.mouse.down();
  await tab.mouse.up();
  await tab.frames(2);
}
export const canvasRect = (tab) => tab.evaluate(() => window.latentCanvas.canvasRect());

// Where a control is drawn once two frames in a row agree: what a finger aims at. The layout follows a change
// (a new tab's content, a scroll, a panel that grew) a frame later, so a position read sooner may be stale.
export async function settled(tab, name) {
  let last = null;
  for (let i = 0; i < 20; i++) {
    const now = (await controls(tab))[name];
    if (last && now && JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
    await tab.frames(1);
  }
  throw new Error(`${name} did not stay in one place: ${JSON.stringify(last)}`);
}

// Drawing-area units (0..1 across the square) to page CSS pixels.
export function toPage(rect, points) {
  return points.map(([u, v]) => [rect.x + u * rect.width, rect.y + v * rect.height]);
}

// A mouse drag through page points: press at the first, `steps` moves to each next one, release at the last.
export async function drag(tab, points, steps = 1) {
  const [first, ...rest] = points;
  await tab.mouse.move(...first);
  await tab.mouse.down();
  for (const p of rest) await tab.mouse.move(...p, steps);
  await tab.mouse.up();
}

// Draws strokes (drawing-area units) with the mouse, `steps` moves between given points, then waits two frames.
// Each stroke goes to the browser as one burst of trusted mouse events (tab.stroke), as a quick hand's would; with
// `paced`, one move at a time, each awaited as the driver's mouse does, which in headless Chromium takes a frame
// or two per move (~85 ms: a 3 of 108 moves takes 9 s instead of 0.3 s). The drawing keeps every point either way
// (drawing.test.mjs checks that a burst and paced moves draw the same digit).
export async function drawWithMouse(tab, strokes, { steps = 3, paced = false } = {}) {
  const r = await canvasRect(tab);
  assert.ok(r.width > 100 && r.height > 100, `drawing area too small: ${JSON.stringify(r)}`);
  for (const points of strokes) {
    const page = toPage(r, points);
    if (paced) {
      await drag(tab, page, steps);
      continue;
    }
    const moves = [page[0]];
    for (let i = 1; i < page.length; i++) {
      const [[x0, y0], [x1, y1]] = [page[i - 1], page[i]];
      for (let k = 1; k <= steps; k++) moves.push([x0 + ((x1 - x0) * k) / steps, y0 + ((y1 - y0) * k) / steps]);
    }
    await tab.stroke(moves);
    await tab.frames(1);
  }
  await tab.frames(2);
}

export const arc = (cx, cy, radius, from, to, n = 18) =>
  Array.from({ length: n + 1 }, (_, i) => {
    const a = from + ((to - from) * i) / n;
    return [cx + radius * Math.cos(a), cy + radius * Math.sin(a)];
  });
// A "3" in two strokes, drawn off-centre and smaller than the area, as people do.
export const THREE = [arc(0.42, 0.3, 0.14, -2.6, 1.5), arc(0.42, 0.58, 0.16, -1.5, 2.6)];

// Centre of mass (pixel centres at i + 0.5) and the inked box of a row-major square image.
export function inkStats(pixels, side = 28) {
  let mass = 0, sx = 0, sy = 0, x0 = side, y0 = side, x1 = -1, y1 = -1;
  pixels.forEach((v, i) => {
    if (v <= 0) return;
    const x = i % side, y = Math.floor(i / side);
    mass += v; sx += v * (x + 0.5); sy += v * (y + 0.5);
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  });
  return { mass, cx: sx / mass, cy: sy / mass, width: x1 - x0 + 1, height: y1 - y0 + 1, x0, y0, x1, y1 };
}

export function cosine(a, b) {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
}

// A plain static file server without isolation headers, as people host demos: Debian's `python3 -m http.server`
// on a free loopback port. Resolves to { server: { close(done) }, url } like startServer().
export async function startPlainServer({ root }) {
  const { spawn } = await import('node:child_process');
  const net = await import('node:net');
  const port = await new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    }).on('error', reject);
  });
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const child = spawn(python, ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root],
    { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch { /* not listening yet */ }
    if (i > 100) { child.kill(); throw new Error(`${python} -m http.server did not start on port ${port}`); }
    await new Promise((done) => setTimeout(done, 50));
  }
  return { server: { close: (done) => { child.once('exit', () => done()); child.kill(); } }, url };
}
