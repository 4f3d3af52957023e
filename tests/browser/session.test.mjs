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
      // Published about 11 times a second while training: read at any moment, the latest is young.
      const ages = await tab.evaluate(() => new Promise((done) => {
        const seen = [];
        const look = () => { seen.push(window.latentCanvas.state().snapshotAgeMs); if (seen.length < 40) setTimeout(look, 23); else done(seen); };
        look();
      }));
      assert.ok(Math.max(...ages) < 250, `snapshot ages while training: up to ${Math.max(...ages).toFixed(0)} ms`);
      assert.ok(s.testLoss < before.testLoss - 0.2, `test loss ${before.testLoss} -> ${s.testLoss}`);
      t.diagnostic(`${s.samplesPerSec.toFixed(0)} samples/s with ${s.trainingThreads} thread(s)`);
      assert.deepEqual(tab.log.errors, []);
      assert.deepEqual(tab.log.console.filter((m) => m.type === 'error'), []);
      await tab.close();
    });

    test('drawing while it trains gives the framed input and a reconstruction', async () => {
      const tab = await session().open();
      await loadApp(session(), tab);
      // A target far enough away that training is still running at the end, however slow the machine.
      await api(tab, () => window.latentCanvas.apply({ targetEpochs: 1000 }));
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

    test('pause, reset and a settings change take effect within a frame or two', async (t) => {
      const tab = await session().open();
      await loadApp(session(), tab);
      await api(tab, () => window.latentCanvas.apply({ targetEpochs: 1000 }));
      await api(tab, () => window.latentCanvas.setTraining(true));
      await tab.waitFor(() => window.latentCanvas.state().step > 10);
      // Sends a command, then looks at the state at once and at each animation frame until it shows: at which
      // frame after the command it showed (0: at once; 2: by the end of the first full frame), and after how many
      // ms. The commands and their checks are functions in the page (the Content-Security-Policy refuses code made
      // from strings).
      const measure = (what, round) => tab.evaluate(([name, k]) => new Promise((resolve) => {
        const api = window.latentCanvas;
        const batch = [128, 100, 160][k];
        const [command, done] = {
          start: [() => api.setTraining(true), (s) => s.training],
          pause: [() => api.setTraining(false), (s) => !s.training],
          reset: [() => api.reset(9 + k), (s) => s.origin === `random weights (seed ${9 + k})`],
          settings: [() => api.apply({ batchSize: batch, learningRate: 0.002 }), (s) => s.batchSize === batch],
          // What the session refuses (the schema takes six layers of 4,096; memory does not) comes back in state().
          refused: [() => api.apply({ hidden: [4096, 4096, 4096, 4096, 4096, 4096] }), (s) => s.error !== ''],
        }[name];
        const t0 = performance.now();
        command();
        let frames = 0;
        const check = () => {
          const s = api.state();
          if (done(s) || frames > 30) {
            resolve({ frames, ms: performance.now() - t0, state: s, shown: done(s) });
            return;
          }
          frames++;
          requestAnimationFrame(check);
        };
        check();
      }), [what, round]);
      // Each command three times. Every one must show, and the median within the first full frame. On these
      // 2 cores the session's thread shares the CPU with the browser's software rendering, and a single command
      // now and then waits a few frames for the CPU (Firefox, once in about ten runs); a session that held
      // commands back (until the next publication, an epoch's end or an evaluation) would be late every time.
      const seen = { start: [], pause: [], reset: [], settings: [] };
      const expect = async (what, round) => {
        const r = await measure(what, round);
        assert.ok(r.shown, `${what} (round ${round}) had not shown after ${r.frames} frames (${r.ms.toFixed(1)} ms)`);
        seen[what]?.push(r);
        return r.state;
      };
      for (let round = 0; round < 3; round++) {
        if (round > 0) {
          await expect('start', round);
          await tab.waitFor((n) => window.latentCanvas.state().step > n, 5);
        }
        const paused = await expect('pause', round);
        await tab.frames(5);
        assert.equal((await state(tab)).step, paused.step, 'paused training must not step');
        const reset = await expect('reset', round);
        assert.equal(reset.step, 0);
        const applied = await expect('settings', round);
        assert.equal(applied.batchesPerEpoch, Math.ceil(applied.trainImages / applied.batchSize));
        assert.ok(Math.abs(applied.learningRate - 0.002) < 1e-6);
      }
      const median = (rs) => rs.map((r) => r.frames).sort((a, b) => a - b)[Math.floor(rs.length / 2)];
      t.diagnostic(Object.entries(seen).map(([what, rs]) => `${what}: ${rs.map((r) => `${r.ms.toFixed(1)} ms (frame ${r.frames})`).join(', ')}`).join('; '));
      for (const [what, rs] of Object.entries(seen)) {
        assert.ok(median(rs) <= 2, `${what}: the median command showed at frame ${median(rs)} (${rs.map((r) => r.frames).join(', ')})`);
      }
      // A setting the session refuses: nothing changes, and the state says why.
      const refused = await expect('refused', 0);
      assert.match(refused.error, /needs .*; the memory limit is/);
      assert.ok(Math.abs(refused.learningRate - 0.002) < 1e-6);
      assert.equal(refused.architecture, '784-32-784 relu');
      // What the settings schema refuses is refused at once, with its message.
      await assert.rejects(api(tab, () => window.latentCanvas.apply({ learningRate: 0 })),
        /apply: learning rate: expected a number from 1e-06 to 10, got '0'/);
      await assert.rejects(api(tab, () => window.latentCanvas.apply({ batchSize: 'many' })),
        /apply: batch size: expected a whole number from 1 to 65536, got 'many'/);
      await assert.rejects(api(tab, () => window.latentCanvas.apply({ sparsity: 0.01 })), /apply: sparsity applies to variant sparse only/);
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
      // A batch too small to share runs on one thread (sharing it would be slower), and the state says so.
      const small = await api(tab, () => window.latentCanvas.apply({ threads: 2, batchSize: 64 }));
      assert.equal(small.trainingThreads, 2);
      assert.equal(small.trainingThreadsUsed, 1);
      const shared = await api(tab, () => window.latentCanvas.apply({ batchSize: 256 }));
      assert.equal(shared.trainingThreadsUsed, 2);
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
