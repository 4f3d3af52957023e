// Training off the interface's thread, in each tested browser, from our server (which sends the cross-origin
// isolation headers) and from a plain static server (python3 -m http.server, which does not: the page's service
// worker adds them). And the fallback where threads are impossible, and a page opened from disk.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { THREE, canvasRect, cosine, forEachBrowser, inkStats, loadApp, pageRoot, startPlainServer, state, toPage } from './helpers.mjs';

const api = (tab, fn, arg) => tab.evaluate(fn, arg);

for (const [server, serve, isolation] of [['our server', undefined, 'headers'], ['a plain static server', startPlainServer, 'service-worker']]) {
  forEachBrowser(`training on its own thread, from ${server}`, (session) => {
    test('the page trains off the main thread and says so; the loss falls', async (t) => {
      const tab = await session().open();
      await loadApp(session(), tab);
      assert.equal(await api(tab, () => window.latentCanvas.isolation), isolation);
      let s = await state(tab);
      assert.equal(s.isolated, true);
      assert.equal(s.offMainThread, true);
      assert.ok(s.trainingThreads >= 1);
      await api(tab, () => window.latentCanvas.reset(3));
      const before = await state(tab);
      assert.equal(before.step, 0);
      await api(tab, () => window.latentCanvas.setTraining(true));
      await tab.waitFor(() => window.latentCanvas.state().epoch >= 2);
      s = await state(tab);
      assert.equal(s.training, true);
      assert.ok(s.samplesSeen >= 16000, `samples seen ${s.samplesSeen}`);
      assert.ok(s.snapshotAgeMs < 1000, `the snapshot is ${s.snapshotAgeMs} ms old while training`);
      assert.ok(s.testLoss < before.testLoss - 0.2, `test loss ${before.testLoss} -> ${s.testLoss}`);
      t.diagnostic(`${s.samplesPerSec.toFixed(0)} samples/s with ${s.trainingThreads} thread(s)`);
      assert.deepEqual(tab.log.errors, []);
      assert.deepEqual(tab.log.console.filter((m) => m.type === 'error'), []);
      await tab.close();
    });

    test('drawing while it trains gives the framed input and a reconstruction', async () => {
      const tab = await session().open();
      await loadApp(session(), tab);
      await api(tab, () => window.latentCanvas.setTraining(true));
      const r = await canvasRect(tab);
      for (const stroke of THREE) await tab.stroke(toPage(r, stroke));
      await tab.frames(2);
      const input = await api(tab, () => window.latentCanvas.input());
      const recon = await api(tab, () => window.latentCanvas.reconstruction());
      const ink = inkStats(input);
      assert.ok(Math.hypot(ink.cx - 14, ink.cy - 14) <= 1.5, `centre of mass (${ink.cx}, ${ink.cy})`);
      assert.ok(Math.max(ink.width, ink.height) >= 19, `ink ${ink.width} x ${ink.height}`);
      assert.ok(cosine(input, recon) >= 0.6, `cosine ${cosine(input, recon)}`);
      assert.equal((await state(tab)).training, true);
      await tab.close();
    });

    test('pause, reset and a settings change take effect within one frame', async () => {
      const tab = await session().open();
      await loadApp(session(), tab);
      await api(tab, () => window.latentCanvas.apply({ targetEpochs: 1000 }));
      await api(tab, () => window.latentCanvas.setTraining(true));
      await tab.waitFor(() => window.latentCanvas.state().step > 10);
      // Each command is sent, then one animation frame passes, then the state is read.
      const afterOneFrame = (command) => tab.evaluate((command) => new Promise((done) => {
        new Function(`return ${command}`)();
        requestAnimationFrame(() => done(window.latentCanvas.state()));
      }), command);
      const paused = await afterOneFrame('window.latentCanvas.setTraining(false)');
      assert.equal(paused.training, false);
      await tab.frames(5);
      assert.equal((await state(tab)).step, paused.step, 'paused training must not step');
      const reset = await afterOneFrame('window.latentCanvas.reset(9)');
      assert.equal(reset.origin, 'random weights (seed 9)');
      assert.equal(reset.step, 0);
      const applied = await afterOneFrame('window.latentCanvas.apply({ batchSize: 128, learningRate: 0.002 })');
      assert.equal(applied.batchSize, 128);
      assert.equal(applied.batchesPerEpoch, 63);
      assert.ok(Math.abs(applied.learningRate - 0.002) < 1e-6);
      // A refused setting: nothing changes, and the state says why.
      const refused = await afterOneFrame('window.latentCanvas.apply({ learningRate: 0 })');
      assert.match(refused.error, /learning rate 0\.0+ is out of range/);
      assert.ok(Math.abs(refused.learningRate - 0.002) < 1e-6);
      await assert.rejects(api(tab, () => window.latentCanvas.apply({ batchSize: 'many' })), /batchSize: expected a whole number/);
      await tab.close();
    });

    test('the benchmark runs on the session thread with 1 and 2 threads', async (t) => {
      const tab = await session().open();
      await loadApp(session(), tab);
      const one = await api(tab, () => window.latentCanvas.bench({ steps: 60, threads: 1 }));
      const two = await api(tab, () => window.latentCanvas.bench({ steps: 60, threads: 2 }));
      const legacy = await api(tab, () => window.latentCanvas.bench(20));
      for (const b of [one, two, legacy]) assert.ok(b.samplesPerSec > 0 && b.gflops > 0 && b.msPerStep > 0, JSON.stringify(b));
      assert.equal(legacy.steps, 20);
      t.diagnostic(`1 thread ${one.samplesPerSec.toFixed(0)}, 2 threads ${two.samplesPerSec.toFixed(0)} samples/s (60 steps; see bench-web.mjs for the measurement)`);
      await tab.close();
    });
  }, { serve });
}

forEachBrowser('without threads (a plain static server, ?threads=off)', (session) => {
  test('the page trains in its own frames and says why', async () => {
    const tab = await session().open();
    await loadApp(session(), tab, 60000, '?threads=off');
    const s = await state(tab);
    assert.equal(s.offMainThread, false);
    assert.equal(s.isolated, false);
    assert.equal(s.trainingThreads, 1);
    assert.equal(await api(tab, () => window.latentCanvas.isolation), 'none');
    assert.match(await tab.text('#notice'), /Training runs in this page's own thread, between frames, because threads are switched off/);
    assert.ok(tab.log.requests.some((u) => u.endsWith('/latent-canvas-st.wasm.gz')), 'the program without threads was loaded');
    await api(tab, () => window.latentCanvas.reset(3));
    const before = await state(tab);
    await api(tab, () => window.latentCanvas.setTraining(true));
    await tab.waitFor(() => window.latentCanvas.state().epoch >= 1);
    assert.ok((await state(tab)).testLoss < before.testLoss - 0.2);
    const refused = await api(tab, () => window.latentCanvas.apply({ threads: 2 }));
    assert.match(refused.error, /cannot start threads/);
    await api(tab, () => window.latentCanvas.setTraining(false));
    await tab.close();
  });
}, { serve: startPlainServer });

forEachBrowser('opened from disk', (session) => {
  test('the page says how to serve it instead', async () => {
    const tab = await session().open();
    await tab.goto(pathToFileURL(path.join(pageRoot, 'index.html')).href);
    await tab.waitFor(() => window.latentCanvas && window.latentCanvas.error);
    const text = await tab.text('#error');
    assert.match(text, /opened straight from disk \(file:\/\/\)/);
    assert.match(text, /scripts\/start\.sh/);
    assert.match(text, /python3 -m http\.server/);
    await tab.close();
  });
});
