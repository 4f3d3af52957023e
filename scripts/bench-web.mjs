#!/usr/bin/env node
// Benchmarks the built page (build/web) in a browser and prints one JSON object per run:
//   server            ours (isolation headers) or plain (python3 -m http.server, isolated by the service worker)
//   load              ready_ms (the driver's navigation to latentCanvas.ready, a fresh profile), page_ready_ms
//                     (the page's own: navigation start to ready), transferred_bytes (every response of the
//                     load, from the Resource Timing API; 0 where a service worker answered), threads
//   idle              frames per second and the 95th percentile frame time, not training
//   training          the same while the seed model trains (batch 256), and samples/s trained meanwhile
//   drawing           the same while training and drawing with the mouse, and how many drawing frames showed
//                     the drawing's new input and reconstruction in the frame right after the pointer events
//   big_model         frames while 784-512-256-128-32 trains at batch 1024
//   engine            latentCanvas.bench(): the seed model at batch 256, frames paused, 1 and 2 threads
//   conv_engine       the same for the convolutional model (conv 16,8,8), and conv_training: frames while it trains,
//                     conv_drawing: the drawing probe above while it trains
//   conv_20_epochs    twenty epochs of it from fresh weights with the interface running, 1 and 2 training threads
// Needs the browser-test packages (scripts/setup.sh browser-tests) and a built page; Firefox needs an X display
// (xvfb-run -a node scripts/bench-web.mjs --browser firefox).
//   node scripts/bench-web.mjs [--browser chromium|firefox] [--server ours|plain] [--width 1440 --height 900]
//                              [--seconds 6] [--quick: without conv_20_epochs, about 3 minutes]
import { launch } from '../tests/browser/browsers.mjs';
import { loadApp, pageRoot, startPlainServer } from '../tests/browser/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const browser = arg('--browser', 'chromium');
const serverKind = arg('--server', 'ours');
const width = Number(arg('--width', 1440)), height = Number(arg('--height', 900)), seconds = Number(arg('--seconds', 6));
const round = (v, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

const session = await launch(browser, { root: pageRoot, serve: serverKind === 'plain' ? startPlainServer : undefined });
try {
  const tab = await session.open({ width, height });
  const t0 = Date.now();
  await loadApp(session, tab);
  const readyMs = Date.now() - t0;
  const load = await tab.evaluate(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    return {
      transferred: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
      decoded: entries.reduce((sum, e) => sum + (e.decodedBodySize || 0), 0),
    };
  });

  // Frame times from requestAnimationFrame over `ms`, and the samples trained meanwhile.
  const frames = (ms) => tab.evaluate((ms) => new Promise((done) => {
    const times = [], ages = [];
    const s0 = window.latentCanvas.state().samplesSeen;
    const start = performance.now();
    let last = start;
    const tick = (now) => {
      times.push(now - last);
      last = now;
      const st = window.latentCanvas.state();
      if (st.training) ages.push(st.snapshotAgeMs);
      if (now - start < ms) { requestAnimationFrame(tick); return; }
      const sorted = times.slice(1).sort((a, b) => a - b);
      const elapsed = (performance.now() - start) / 1000;
      done({ fps: (times.length - 1) / elapsed, p95_ms: sorted[Math.floor(0.95 * (sorted.length - 1))],
        samples_per_sec: (window.latentCanvas.state().samplesSeen - s0) / elapsed,
        snapshot_age_max_ms: ages.length ? Math.max(...ages) : null });
    };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  }), ms);
  const summary = (f) => ({ fps: round(f.fps), p95_ms: round(f.p95_ms), samples_per_sec: Math.round(f.samples_per_sec),
    ...(f.snapshot_age_max_ms !== null ? { snapshot_age_max_ms: Math.round(f.snapshot_age_max_ms) } : {}) });
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  const api = (fn, a) => tab.evaluate(fn, a);

  await pause(1000);
  const idle = summary(await frames(seconds * 1000));

  await api(() => window.latentCanvas.reset(1));
  await api(() => window.latentCanvas.apply({ targetEpochs: 100000 }));
  await api(() => window.latentCanvas.setTraining(true));
  await pause(1000);
  const training = summary(await frames(seconds * 1000));
  const state = await api(() => window.latentCanvas.state());

  // Training and drawing: synthetic pointer moves in circles, a burst per frame, and after each frame a look at
  // whether the views show the drawing as it was after the previous frame's events.
  const r = await api(() => window.latentCanvas.canvasRect());
  const drawWhileTraining = () => tab.evaluate(({ r, ms }) => new Promise((done) => {
    const canvas = document.getElementById('canvas');
    const at = (a) => ({ clientX: r.x + r.width * (0.5 + 0.3 * Math.sin(a)), clientY: r.y + r.height * (0.5 - 0.3 * Math.cos(a)) });
    const fire = (type, a) => canvas.dispatchEvent(new PointerEvent(type, { bubbles: true, pointerId: 77, pointerType: 'mouse',
      isPrimary: true, button: type === 'pointermove' ? -1 : 0, buttons: type === 'pointerup' ? 0 : 1, ...at(a) }));
    let angle = 0, shown = 0, looked = 0, expected = null;
    const times = [];
    const start = performance.now();
    let last = start;
    fire('pointerdown', angle);
    const tick = (now) => {
      times.push(now - last);
      last = now;
      if (expected !== null) {
        const s = window.latentCanvas.state();
        looked++;
        if (s.viewsDrawingRevision >= expected) shown++;
      }
      for (let i = 0; i < 4; i++) fire('pointermove', (angle += 0.05));
      expected = window.latentCanvas.state().drawingRevision;
      if (now - start < ms) { requestAnimationFrame(tick); return; }
      fire('pointerup', angle);
      const sorted = times.slice(1).sort((a, b) => a - b);
      done({ fps: (times.length - 1) / ((performance.now() - start) / 1000), p95_ms: sorted[Math.floor(0.95 * (sorted.length - 1))],
        frames_showing_the_last_events: `${shown}/${looked}` });
    };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  }), { r, ms: seconds * 1000 });
  const drawing = await drawWhileTraining();
  await api(() => window.latentCanvas.setTraining(false));

  // The big model: its steps take far longer than a frame; the frames must not wait for them.
  await api(() => window.latentCanvas.apply({ hidden: [512, 256, 128], latent: 32, batchSize: 1024, targetEpochs: 100000 }));
  await api(() => window.latentCanvas.setTraining(true));
  await pause(1500);
  const big = summary(await frames(seconds * 1000));
  await api(() => window.latentCanvas.setTraining(false));
  await api(() => window.latentCanvas.apply({ hidden: [], latent: 32, batchSize: 256 }));

  const engine = {};
  for (const threads of [1, 2]) {
    const b = await api((t) => window.latentCanvas.bench({ steps: 300, threads: t }), threads);
    engine[`threads_${threads}`] = { samples_per_sec: Math.round(b.samplesPerSec), gflops: round(b.gflops, 2), ms_per_step: round(b.msPerStep, 2) };
  }
  engine.speedup = round(engine.threads_2.samples_per_sec / engine.threads_1.samples_per_sec, 2);

  // The convolutional model (the Keras article's): the engine alone, then frames while it trains.
  const conv_engine = {};
  for (const threads of [1, 2]) {
    const b = await api((t) => window.latentCanvas.bench({ model: 'conv', steps: 20, threads: t }), threads);
    conv_engine[`threads_${threads}`] = { model: b.model, mflop_per_sample: round(b.mflopPerSample, 2),
      samples_per_sec: Math.round(b.samplesPerSec), gflops: round(b.gflops, 2), ms_per_step: round(b.msPerStep, 2) };
  }
  await api(() => window.latentCanvas.apply({ model: 'conv', targetEpochs: 100000 }));
  await api(() => window.latentCanvas.setTraining(true));
  await pause(1500);
  const conv_training = summary(await frames(seconds * 1000));
  const conv_drawing = await drawWhileTraining();
  await api(() => window.latentCanvas.setTraining(false));

  // Twenty epochs of the convolutional model from fresh weights, with the interface running (frames counted all the
  // while), on one training thread and on two; the test set is evaluated after every epoch, as always.
  const conv_20_epochs = {};
  if (!process.argv.includes('--quick')) {
    for (const threads of [1, 2]) {
      await api((t) => window.latentCanvas.apply({ model: 'conv', targetEpochs: 20, threads: t }), threads);
      await api(() => window.latentCanvas.reset(1));
      const t0 = Date.now();
      await api(() => window.latentCanvas.setTraining(true));
      const f = await tab.evaluate(() => new Promise((done) => {
        const times = [];
        let last = performance.now();
        const tick = (now) => {
          times.push(now - last);
          last = now;
          const s = window.latentCanvas.state();
          if (s.training || s.epoch < 20 || s.evaluating) { requestAnimationFrame(tick); return; }
          const sorted = times.slice(1).sort((a, b) => a - b);
          done({ fps: (times.length - 1) / (times.reduce((a, b) => a + b, 0) / 1000), p95_ms: sorted[Math.floor(0.95 * (sorted.length - 1))],
            test_loss: s.testLoss });
        };
        requestAnimationFrame(tick);
      }));
      conv_20_epochs[`threads_${threads}`] = { seconds: round((Date.now() - t0) / 1000), fps: round(f.fps), p95_ms: round(f.p95_ms),
        test_loss: round(f.test_loss, 4) };
    }
  }

  console.log(JSON.stringify({
    browser,
    server: serverKind,
    viewport: `${width}x${height}`,
    load: { ready_ms: readyMs, page_ready_ms: (await api(() => window.latentCanvas.loadTimings)).ready,
      transferred_bytes: load.transferred, decoded_bytes: load.decoded,
      isolation: await api(() => window.latentCanvas.isolation), off_main_thread: state.offMainThread,
      training_threads: state.trainingThreads },
    idle,
    training,
    drawing: { ...drawing, fps: round(drawing.fps), p95_ms: round(drawing.p95_ms) },
    big_model: big,
    engine,
    conv_engine,
    conv_training,
    conv_drawing: { ...conv_drawing, fps: round(conv_drawing.fps), p95_ms: round(conv_drawing.p95_ms) },
    conv_20_epochs,
  }));
} finally {
  await session.close();
}
