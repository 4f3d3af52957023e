// The page in headless Chromium: it loads cleanly and only from its own origin, trains, turns a digit drawn
// with real mouse events into an MNIST-like input, a code and a resembling reconstruction, clears and undoes,
// follows the window's size, and says in words what went wrong when it cannot start.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, loadApp, openPage, resultPath } from './helpers.mjs';

let session;
before(async () => { session = await launch(); });
after(async () => { await session?.close(); });

// Draws strokes given in drawing-area units (0..1) with the mouse, inside canvasRect().
async function draw(page, strokes) {
  const r = await page.evaluate(() => window.latentCanvas.canvasRect());
  assert.ok(r.width > 100 && r.height > 100, `drawing area too small: ${JSON.stringify(r)}`);
  const at = ([u, v]) => [r.x + u * r.width, r.y + v * r.height];
  for (const points of strokes) {
    await page.mouse.move(...at(points[0]));
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 3 });
    await page.mouse.up();
  }
  // Two animation frames: the interface has taken the events and recomputed its views.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

const arc = (cx, cy, radius, from, to, n = 18) =>
  Array.from({ length: n + 1 }, (_, i) => {
    const a = from + ((to - from) * i) / n;
    return [cx + radius * Math.cos(a), cy + radius * Math.sin(a)];
  });
// A "3" in two strokes, drawn off-centre and smaller than the area, as people do.
const THREE = [arc(0.42, 0.3, 0.14, -2.6, 1.5), arc(0.42, 0.58, 0.16, -1.5, 2.6)];

function inkStats(pixels) {
  let mass = 0, sx = 0, sy = 0, x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  pixels.forEach((v, i) => {
    if (v <= 0) return;
    const x = i % 28, y = Math.floor(i / 28);
    mass += v; sx += v * (x + 0.5); sy += v * (y + 0.5);
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  });
  return { mass, cx: sx / mass, cy: sy / mass, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function cosine(a, b) {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
}

describe('the page', () => {
  test('loads with no console errors and no request outside its own origin', async () => {
    const { page, log, context } = await openPage(session);
    const response = await page.goto(session.url);
    assert.equal(response.headers()['cross-origin-opener-policy'], 'same-origin');
    assert.equal(response.headers()['cross-origin-embedder-policy'], 'require-corp');
    await page.waitForFunction(() => window.latentCanvas && (window.latentCanvas.ready || window.latentCanvas.error));
    assert.equal(await page.evaluate(() => window.latentCanvas.error), null);
    await page.waitForTimeout(500);
    const origin = new URL(session.url).origin;
    const foreign = log.requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'requests outside the page\'s origin');
    assert.deepEqual(log.failed, []);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.console.filter((m) => m.type === 'error'), []);
    assert.ok(log.requests.some((u) => u.endsWith('/latent-canvas.wasm')));
    const state = await page.evaluate(() => window.latentCanvas.state());
    assert.equal(state.latentDim, 32);
    assert.match(state.origin, /^pretrained/);
    assert.ok(state.testLoss > 0.05 && state.testLoss < 0.15, `pretrained test loss ${state.testLoss}`);
    assert.equal(await page.evaluate(() => document.getElementById('loader').classList.contains('done')), true);
    await context.close();
  });

  test('training for a few seconds lowers the test loss', async () => {
    const { page, context } = await openPage(session);
    await loadApp(session, page);
    await page.evaluate(() => window.latentCanvas.reset(7));
    const before = await page.evaluate(() => window.latentCanvas.state());
    assert.equal(before.step, 0);
    assert.equal(before.training, false);
    assert.ok(before.testLoss > 0.5, `random weights should give a high loss, got ${before.testLoss}`);
    await page.evaluate(() => window.latentCanvas.setTraining(true));
    await page.waitForFunction(() => window.latentCanvas.state().epoch >= 2, null, { timeout: 60000 });
    const during = await page.evaluate(() => window.latentCanvas.state());
    await page.evaluate(() => window.latentCanvas.setTraining(false));
    assert.equal(during.training, true);
    assert.ok(during.samplesPerSec > 0);
    assert.ok(during.testLoss < before.testLoss - 0.2, `test loss ${before.testLoss} -> ${during.testLoss}`);
    const paused = await page.evaluate(() => window.latentCanvas.state());
    await page.waitForTimeout(300);
    assert.equal((await page.evaluate(() => window.latentCanvas.state())).step, paused.step, 'paused training must not step');
    await context.close();
  });

  test('a digit drawn with the mouse becomes an MNIST-like input, a code and a resembling reconstruction', async (t) => {
    const { page, log, context } = await openPage(session);
    await loadApp(session, page);
    await draw(page, THREE);
    const input = await page.evaluate(() => window.latentCanvas.input());
    const code = await page.evaluate(() => window.latentCanvas.latent());
    const recon = await page.evaluate(() => window.latentCanvas.reconstruction());
    assert.equal(input.length, 784);
    assert.equal(recon.length, 784);
    const ink = inkStats(input);
    assert.ok(ink.mass > 20, `too little ink: ${ink.mass}`);
    const offCentre = Math.hypot(ink.cx - 14, ink.cy - 14);
    assert.ok(offCentre <= 1.5, `centre of mass (${ink.cx.toFixed(2)}, ${ink.cy.toFixed(2)}) is ${offCentre.toFixed(2)} px from the centre`);
    const longSide = Math.max(ink.width, ink.height);
    assert.ok(longSide >= 19 && longSide <= 21, `ink spans ${ink.width} x ${ink.height} px`);
    assert.equal(code.length, 32);
    assert.ok(code.some((v) => v !== 0), 'the code is all zeros');
    const similarity = cosine(input, recon);
    assert.ok(similarity >= 0.6, `reconstruction cosine similarity ${similarity.toFixed(3)}`);

    const shot = resultPath('app-after-drawing.png');
    await page.screenshot({ path: shot });
    t.diagnostic(`screenshot after drawing: ${shot}`);
    t.diagnostic(`cosine ${similarity.toFixed(3)}, centre of mass (${ink.cx.toFixed(2)}, ${ink.cy.toFixed(2)}), ` +
      `ink ${ink.width} x ${ink.height} px`);
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('clear and undo work', async () => {
    const { page, context } = await openPage(session);
    await loadApp(session, page);
    await draw(page, [THREE[0]]);
    const one = await page.evaluate(() => window.latentCanvas.input());
    await draw(page, [THREE[1]]);
    assert.equal((await page.evaluate(() => window.latentCanvas.state())).strokes, 2);
    const two = await page.evaluate(() => window.latentCanvas.input());
    assert.notDeepEqual(two, one);

    assert.equal(await page.evaluate(() => window.latentCanvas.undo()), true);
    assert.equal((await page.evaluate(() => window.latentCanvas.state())).strokes, 1);
    assert.deepEqual(await page.evaluate(() => window.latentCanvas.input()), one, 'undo brings back the one-stroke input');

    await page.evaluate(() => window.latentCanvas.clearCanvas());
    const cleared = await page.evaluate(() => window.latentCanvas.input());
    assert.ok(cleared.every((v) => v === 0), 'clear empties the input');
    assert.ok((await page.evaluate(() => window.latentCanvas.reconstruction())).every((v) => v === 0));
    assert.equal(await page.evaluate(() => window.latentCanvas.undo()), true, 'a clear can be undone');
    assert.deepEqual(await page.evaluate(() => window.latentCanvas.input()), one);
    await context.close();
  });

  test('the interface follows the window size', async () => {
    const { page, context, log } = await openPage(session, { width: 1440, height: 900 });
    await loadApp(session, page);
    const wide = await page.evaluate(() => window.latentCanvas.canvasRect());
    await page.setViewportSize({ width: 820, height: 1000 });
    await page.waitForFunction((w) => window.latentCanvas.canvasRect().width !== w, wide.width);
    const narrow = await page.evaluate(() => window.latentCanvas.canvasRect());
    assert.ok(narrow.x + narrow.width <= 820, `drawing area ${JSON.stringify(narrow)} leaves the 820 px window`);
    await draw(page, THREE);
    assert.ok(inkStats(await page.evaluate(() => window.latentCanvas.input())).mass > 20, 'drawing works in the narrow layout');
    await page.screenshot({ path: resultPath('app-narrow.png') });
    assert.deepEqual(log.errors, []);
    await context.close();
  });
});

describe('when the page cannot start, it says so in words', () => {
  test('a missing asset', async () => {
    const { page, context } = await openPage(session);
    await page.route('**/assets/mnist/images-idx3-ubyte.gz', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(session.url);
    await page.waitForFunction(() => window.latentCanvas.error);
    const text = await page.locator('#error').innerText();
    assert.match(text, /Could not download the digits \(assets\/mnist\/images-idx3-ubyte\.gz\)/);
    assert.match(text, /404/);
    assert.equal(await page.locator('#error').isVisible(), true);
    await context.close();
  });

  test('a corrupt data file', async () => {
    const { page, context } = await openPage(session);
    await page.route('**/assets/mnist/labels-idx1-ubyte.gz', (route) => route.fulfill({ status: 200, body: 'not gzip at all' }));
    await page.goto(session.url);
    await page.waitForFunction(() => window.latentCanvas.error);
    assert.match(await page.locator('#error').innerText(), /labels-idx1-ubyte\.gz is not valid gzip data/);
    await context.close();
  });

  test('no WebGL2', async () => {
    const { page, context } = await openPage(session);
    await page.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
        return kind === 'webgl2' ? null : original.call(this, kind, ...rest);
      };
    });
    await page.goto(session.url);
    await page.waitForFunction(() => window.latentCanvas.error);
    assert.match(await page.locator('#error').innerText(), /WebGL2/);
    await context.close();
  });

  test('bad pretrained weights: a notice, and random weights instead', async () => {
    const { page, context } = await openPage(session);
    await page.route('**/assets/weights/seed-784-32.safetensors', (route) =>
      route.fulfill({ status: 200, body: Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 123, 125]) }));
    await loadApp(session, page);
    const notice = await page.locator('#notice').innerText();
    assert.match(notice, /pretrained weights could not be loaded/);
    assert.match(notice, /header length 8 runs past the end of the file/);
    assert.match((await page.evaluate(() => window.latentCanvas.state())).origin, /^random weights/);
    await context.close();
  });
});
