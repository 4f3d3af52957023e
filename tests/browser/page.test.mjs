// The page, in each tested browser: it loads cleanly and only from its own origin, trains, turns a digit drawn with
// real mouse events into an MNIST-like input, a code and a resembling reconstruction, clears and undoes, follows
// the window's size, and says in words what went wrong when it cannot start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { THREE, canvasRect, cosine, drawWithMouse, forEachBrowser, inkStats, loadApp, pageRoot, resultPath, state } from './helpers.mjs';

forEachBrowser('the page', (session) => {
  test('loads with no console errors and no request outside its own origin', async () => {
    const tab = await session().open();
    const response = await loadApp(session(), tab);
    assert.equal(response.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(response.headers['cross-origin-embedder-policy'], 'require-corp');
    await tab.frames(20);
    const origin = new URL(session().url).origin;
    const foreign = tab.log.requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'requests outside the page\'s origin');
    assert.deepEqual(tab.log.failed, []);
    assert.deepEqual(tab.log.errors, []);
    assert.deepEqual(tab.log.console.filter((m) => m.type === 'error'), []);
    assert.ok(tab.log.requests.some((u) => u.endsWith('/latent-canvas.wasm.gz')), 'the threaded program was loaded');
    const s = await state(tab);
    assert.equal(s.latentDim, 32);
    assert.match(s.origin, /^pretrained/);
    assert.ok(s.testLoss > 0.05 && s.testLoss < 0.15, `pretrained test loss ${s.testLoss}`);
    assert.equal(await tab.evaluate(() => document.getElementById('loader').classList.contains('done')), true);
    await tab.close();
  });

  test('training for a few seconds lowers the test loss', async () => {
    const tab = await session().open();
    await loadApp(session(), tab);
    await tab.evaluate(() => window.latentCanvas.reset(7));
    const before = await state(tab);
    assert.equal(before.step, 0);
    assert.equal(before.training, false);
    assert.ok(before.testLoss > 0.5, `random weights should give a high loss, got ${before.testLoss}`);
    await tab.evaluate(() => window.latentCanvas.setTraining(true));
    await tab.waitFor(() => window.latentCanvas.state().epoch >= 2 && window.latentCanvas.state().samplesPerSec > 0);
    const during = await state(tab);
    await tab.evaluate(() => window.latentCanvas.setTraining(false));
    assert.equal(during.training, true);
    assert.ok(during.samplesPerSec > 0);
    assert.ok(during.testLoss < before.testLoss - 0.2, `test loss ${before.testLoss} -> ${during.testLoss}`);
    const paused = await state(tab);
    await tab.frames(10);
    assert.equal((await state(tab)).step, paused.step, 'paused training must not step');
    await tab.close();
  });

  test('a digit drawn with the mouse becomes an MNIST-like input, a code and a resembling reconstruction', async (t) => {
    const tab = await session().open();
    await loadApp(session(), tab);
    await drawWithMouse(tab, THREE, { paced: true });  // each move awaited, as a slow hand's; elsewhere in bursts
    const input = await tab.evaluate(() => window.latentCanvas.input());
    const code = await tab.evaluate(() => window.latentCanvas.latent());
    const recon = await tab.evaluate(() => window.latentCanvas.reconstruction());
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

    const shot = resultPath(`${tab.browser}-after-drawing.png`);
    await tab.screenshot(shot);
    t.diagnostic(`screenshot after drawing: ${shot}`);
    t.diagnostic(`cosine ${similarity.toFixed(3)}, centre of mass (${ink.cx.toFixed(2)}, ${ink.cy.toFixed(2)}), ` +
      `ink ${ink.width} x ${ink.height} px`);
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });

  test('clear and undo work', async () => {
    const tab = await session().open();
    await loadApp(session(), tab);
    await drawWithMouse(tab, [THREE[0]]);
    const one = await tab.evaluate(() => window.latentCanvas.input());
    await drawWithMouse(tab, [THREE[1]]);
    assert.equal((await state(tab)).strokes, 2);
    const two = await tab.evaluate(() => window.latentCanvas.input());
    assert.notDeepEqual(two, one);

    assert.equal(await tab.evaluate(() => window.latentCanvas.undo()), true);
    assert.equal((await state(tab)).strokes, 1);
    assert.deepEqual(await tab.evaluate(() => window.latentCanvas.input()), one, 'undo brings back the one-stroke input');

    await tab.evaluate(() => window.latentCanvas.clearCanvas());
    const cleared = await tab.evaluate(() => window.latentCanvas.input());
    assert.ok(cleared.every((v) => v === 0), 'clear empties the input');
    assert.ok((await tab.evaluate(() => window.latentCanvas.reconstruction())).every((v) => v === 0));
    assert.equal(await tab.evaluate(() => window.latentCanvas.undo()), true, 'a clear can be undone');
    assert.deepEqual(await tab.evaluate(() => window.latentCanvas.input()), one);
    await tab.close();
  });

  test('the interface follows the window size', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    const wide = await canvasRect(tab);
    await tab.setViewport({ width: 820, height: 1000 });
    await tab.waitFor((w) => window.latentCanvas.canvasRect().width !== w, wide.width);
    const narrow = await canvasRect(tab);
    assert.ok(narrow.x + narrow.width <= 820, `drawing area ${JSON.stringify(narrow)} leaves the 820 px window`);
    await drawWithMouse(tab, THREE);
    assert.ok(inkStats(await tab.evaluate(() => window.latentCanvas.input())).mass > 20, 'drawing works in the narrow layout');
    await tab.screenshot(resultPath(`${tab.browser}-narrow.png`));
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });
});

forEachBrowser('when the page cannot start, it says so in words', (session) => {
  const failing = async (prepare) => {
    const tab = await session().open();
    await prepare(tab);
    await tab.goto(session().url);
    await tab.waitFor(() => window.latentCanvas && window.latentCanvas.error);
    return tab;
  };

  test('a missing asset', async () => {
    const tab = await failing((t) => t.route('assets/mnist/images-idx3-ubyte.gz', { status: 404, body: 'gone' }));
    const text = await tab.text('#error');
    assert.match(text, /Could not download the digits \(assets\/mnist\/images-idx3-ubyte\.gz\)/);
    assert.match(text, /404/);
    assert.equal(await tab.visible('#error'), true);
    await tab.close();
  });

  test('a corrupt data file', async () => {
    // Not gzip, and not an IDX file either.
    let tab = await failing((t) => t.route('assets/mnist/labels-idx1-ubyte.gz', { body: 'not gzip at all' }));
    assert.match(await tab.text('#error'),
      /The digits could not be read: assets\/mnist\/labels-idx1-ubyte\.gz: bad magic number 0x6E6F7420: not an IDX file \(expected labels \(magic 0x00000801\)\)/);
    await tab.close();
    // A gzip stream cut short.
    const gzip = fs.readFileSync(path.join(pageRoot, 'assets/mnist/images-idx3-ubyte.gz'));
    tab = await failing((t) => t.route('assets/mnist/images-idx3-ubyte.gz', { body: gzip.subarray(0, 5000) }));
    assert.match(await tab.text('#error'), /images-idx3-ubyte\.gz: gzip data ends early \(truncated file\?\)/);
    await tab.close();
  });

  test('no WebGL2', async () => {
    const tab = await failing((t) => t.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
        return kind === 'webgl2' ? null : original.call(this, kind, ...rest);
      };
    }));
    assert.match(await tab.text('#error'), /WebGL2/);
    await tab.close();
  });

  test('bad pretrained weights: a notice, and random weights instead', async () => {
    const tab = await session().open();
    await tab.route('assets/weights/seed-784-32.safetensors', { body: Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 123, 125]) });
    await loadApp(session(), tab);
    const notice = await tab.text('#notice');
    assert.match(notice, /pretrained weights could not be loaded/);
    assert.match(notice, /header length 8 runs past the end of the file/);
    assert.match((await state(tab)).origin, /^random weights/);
    await tab.close();
  });
});
