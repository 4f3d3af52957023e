#!/usr/bin/env node
// Benchmarks the built page (build/web) in a browser and prints one JSON object:
//   load_ms          from navigation to window.latentCanvas.ready
//   idle_fps         animation frames per second, not training
//   training_fps     frames per second while training (and the page's own samples/s, ms per frame)
//   drawing_fps      frames per second while training and drawing with the mouse
//   wasm             latentCanvas.bench(): training steps of the seed model, batch 256, nothing else running
// Needs the browser-test packages (scripts/setup.sh browser-tests) and a built page; Firefox needs an X display
// (xvfb-run -a node scripts/bench-web.mjs --browser firefox).
//   node scripts/bench-web.mjs [--browser chromium|firefox] [--width 1440 --height 900] [--seconds 6]
import { launch } from '../tests/browser/browsers.mjs';
import { loadApp, pageRoot } from '../tests/browser/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const browser = arg('--browser', 'chromium');
const width = Number(arg('--width', 1440)), height = Number(arg('--height', 900)), seconds = Number(arg('--seconds', 6));

const session = await launch(browser, { root: pageRoot });
try {
  const tab = await session.open({ width, height });
  const t0 = Date.now();
  await loadApp(session, tab);
  const loadMs = Date.now() - t0;
  const fps = (ms) => tab.evaluate((ms) => new Promise((done) => {
    let frames = 0;
    const start = performance.now();
    const tick = () => {
      frames++;
      if (performance.now() - start < ms) requestAnimationFrame(tick);
      else done((frames * 1000) / (performance.now() - start));
    };
    requestAnimationFrame(tick);
  }), ms);
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));

  await pause(1000);
  const idle = await fps(seconds * 1000);

  await tab.evaluate(() => window.latentCanvas.reset(1));
  await tab.evaluate(() => window.latentCanvas.setTraining(true));
  await pause(1000);
  const training = await fps(seconds * 1000);
  const state = await tab.evaluate(() => window.latentCanvas.state());

  // Training and drawing: the mouse circles inside the drawing area while frames are counted.
  const r = await tab.evaluate(() => window.latentCanvas.canvasRect());
  await tab.mouse.move(r.x + r.width / 2, r.y + r.height / 4);
  await tab.mouse.down();
  const drawing = fps(seconds * 1000);
  const end = Date.now() + seconds * 1000;
  for (let a = 0; Date.now() < end; a += 0.3) {
    await tab.mouse.move(r.x + r.width * (0.5 + 0.3 * Math.sin(a)), r.y + r.height * (0.5 - 0.3 * Math.cos(a)));
  }
  const drawingFps = await drawing;
  await tab.mouse.up();
  await tab.evaluate(() => window.latentCanvas.setTraining(false));

  const wasm = await tab.evaluate(() => window.latentCanvas.bench(300));
  const round = (v, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
  console.log(JSON.stringify({
    browser,
    viewport: `${width}x${height}`,
    load_ms: loadMs,
    idle_fps: round(idle),
    training_fps: round(training),
    training_samples_per_sec: Math.round(state.samplesPerSec),
    training_ms_per_frame: round(state.trainMsPerFrame, 2),
    interface_ms_per_frame: round(state.interfaceMsPerFrame, 2),
    views_ms_per_frame: round(state.viewsMsPerFrame, 2),
    drawing_fps: round(drawingFps),
    wasm: { samples_per_sec: Math.round(wasm.samplesPerSec), gflops: round(wasm.gflops, 2), ms_per_step: round(wasm.msPerStep, 2) },
  }));
} finally {
  await session.close();
}
