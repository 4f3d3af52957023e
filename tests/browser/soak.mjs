// The soak: the page trains for a long time (10 minutes unless told) as a person would leave it, with a digit drawn
// every few seconds, a fresh start every minute and the weights saved and loaded back every two minutes. It checks
// that no console error appears, that the WebAssembly heap stops growing after the warm-up (the first minute), that
// no frame takes longer than 250 ms after the warm-up, and that the training thread is still alive and answering
// at the end; and prints what it measured. Not part of the test command (it takes minutes): scripts/soak.sh runs it.
//
//   xvfb-run -a node tests/browser/soak.mjs [--minutes 10] [--browser chromium|firefox]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browsers.mjs';
import { THREE, api, canvasRect, loadApp, pageRoot, press, resultPath, state, toPage } from './helpers.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const minutes = Number(option('--minutes', '10'));
const browser = option('--browser', 'chromium');
if (!(minutes > 0 && minutes <= 600)) {
  console.error(`soak: --minutes ${option('--minutes')} is not a number of minutes from 0 to 600`);
  process.exit(2);
}
const WARM_UP_MS = Math.min(60000, (minutes * 60000) / 3);
const DRAW_EVERY_MS = 3000;
const RESET_EVERY_MS = 60000;
const SAVE_LOAD_EVERY_MS = 120000;
const SAMPLE_EVERY_MS = 1000;

// In the page, before its scripts: the time between animation frames, kept from when the test says.
function watchFrames() {
  const f = { measuring: false, count: 0, max: 0, over250: 0, sum: 0, last: 0, long: [] };
  window.__frames = f;
  const tick = (now) => {
    if (f.last > 0 && f.measuring && !document.hidden) {
      const dt = now - f.last;
      f.count++;
      f.sum += dt;
      f.max = Math.max(f.max, dt);
      if (dt > 250) {
        f.over250++;
        f.long.push({ at: Math.round(now), ms: Math.round(dt) });
      }
    }
    f.last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const failures = [];
const fail = (message) => { failures.push(message); console.error(`soak: FAIL ${message}`); };
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

const session = await launch(browser, { root: pageRoot });
const tab = await session.open({ width: 1440, height: 900 });
await tab.addInitScript(watchFrames);
await loadApp(session, tab);
const startTraining = async () => {
  await api(tab, 'apply', { targetEpochs: 100000 });
  await api(tab, 'setTraining', true);
};
await startTraining();

const start = Date.now();
const end = start + minutes * 60000;
let nextDraw = start, nextReset = start + RESET_EVERY_MS, nextSaveLoad = start + SAVE_LOAD_EVERY_MS, nextSample = start;
let warm = null;                       // the heap when the warm-up ended
let heapMax = 0, inUseMax = 0, inUseAfterWarm = Infinity;
let strokes = 0, resets = 0, saveLoads = 0, samples = 0, stalls = 0, maxSnapshotAgeMs = 0;
let lastSeen = -1;
let seed = 10;
const actions = [];  // what the soak did, at the page's clock, to name what a long frame followed
const act = async (what) => actions.push({ what, at: await tab.evaluate(() => performance.now()) });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-soak-'));

while (Date.now() < end) {
  const now = Date.now();
  if (now >= nextSample) {
    nextSample += SAMPLE_EVERY_MS;
    const s = await state(tab);
    samples++;
    if (s.training) {
      maxSnapshotAgeMs = Math.max(maxSnapshotAgeMs, s.snapshotAgeMs);
      if (s.samplesSeen === lastSeen) stalls++;
    }
    lastSeen = s.samplesSeen;
    if (s.diverged) fail(`training diverged: ${s.diverged}`);
    if (!warm && now - start >= WARM_UP_MS) {
      warm = { heapSize: s.heapSize, heapInUse: s.heapInUse };
      await tab.evaluate(() => { window.__frames.measuring = true; });
      console.log(`soak: warmed up after ${((now - start) / 1000).toFixed(0)} s: heap ${mb(s.heapSize)}, ${mb(s.heapInUse)} in use`);
    }
    if (warm) {
      heapMax = Math.max(heapMax, s.heapSize);
      inUseMax = Math.max(inUseMax, s.heapInUse);
      inUseAfterWarm = Math.min(inUseAfterWarm, s.heapInUse);
    }
  }
  if (now >= nextDraw) {
    nextDraw += DRAW_EVERY_MS;
    await act('draw');
    await api(tab, 'clearCanvas');
    // Each stroke as a person's: real input events, sent as fast as the browser takes them.
    const rect = await canvasRect(tab);
    for (const points of THREE) {
      await tab.stroke(toPage(rect, points.map(([u, v]) => [u + 0.05 * Math.sin(strokes), v])));
      strokes++;
    }
    await tab.frames(2);
    const recon = await api(tab, 'reconstruction');
    if (!Object.values(recon).every(Number.isFinite)) fail('the drawing\'s reconstruction is not finite');
  }
  if (now >= nextReset) {
    nextReset += RESET_EVERY_MS;
    await act('reset');
    await api(tab, 'reset', seed++);
    await startTraining();
    resets++;
  }
  if (now >= nextSaveLoad) {
    nextSaveLoad += SAVE_LOAD_EVERY_MS;
    // Saved as a person saves them (Chromium's driver catches the download; Firefox's cannot, so there the page
    // hands over the same bytes), then opened through the file input as a person picks a file.
    await act('save');
    const file = path.join(work, `soak-${saveLoads}.safetensors`);
    if (tab.download) {
      await tab.download(() => press(tab, 'button:save'), file);
    } else {
      const base64 = await tab.evaluate(() => {
        const bytes = window.latentCanvas.weightsFile().bytes;
        let text = '';
        for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
        return btoa(text);
      });
      fs.writeFileSync(file, Buffer.from(base64, 'base64'));
    }
    await act('load');
    await tab.setInputFiles('#file-input', [file]);
    // Over a model trained here the page asks first; Enter says yes.
    await tab.waitFor(() => { const s = window.latentCanvas.state(); return s.filesWaiting || s.origin.startsWith('from soak-'); }, null, 20000);
    if ((await state(tab)).filesWaiting) {
      await tab.evaluate(() => document.getElementById('canvas').focus());
      await tab.keys('Enter');
    }
    await tab.waitFor(() => window.latentCanvas.state().origin.startsWith('from soak-'), null, 20000);
    await startTraining();
    saveLoads++;
  }
  await sleep(100);
}

// Still alive and answering: a command is carried out at once, and a fresh snapshot comes with it.
const t0 = Date.now();
const paused = await Promise.race([api(tab, 'setTraining', false), sleep(5000).then(() => null)]);
const answerMs = Date.now() - t0;
if (!paused) fail('the training thread did not answer a pause within 5 s');
const final = await state(tab);
const frames = await tab.evaluate(() => window.__frames);
await tab.screenshot(resultPath(`soak-${browser}.png`));
const errors = [...tab.log.errors, ...tab.log.console.filter((m) => m.type === 'error').map((m) => m.text)];
await tab.close();
await session.close();

if (errors.length > 0) fail(`${errors.length} console error(s), the first: ${errors[0]}`);
if (!warm) fail('the soak ended before its warm-up did');
const heapGrowth = warm ? heapMax / warm.heapSize - 1 : 0;
if (warm && heapGrowth > 0.05) fail(`the heap grew by ${(100 * heapGrowth).toFixed(1)} % after the warm-up (${mb(warm.heapSize)} to ${mb(heapMax)})`);
// What malloc holds goes up and down with each model change, so it is reported, not held to 5 %; a leak would
// grow the heap itself.
const inUseGrowth = warm ? inUseMax / inUseAfterWarm - 1 : 0;
if (frames.over250 > 0) {
  const after = (t) => [...actions].reverse().find((a) => a.at <= t);
  const which = frames.long.map((l) => { const a = after(l.at); return `${l.ms} ms ${a ? `${((l.at - a.at) / 1000).toFixed(1)} s after a ${a.what}` : ''}`; });
  fail(`${frames.over250} frame(s) took longer than 250 ms after the warm-up: ${which.join('; ')}`);
}
if (stalls > 3) fail(`training made no progress in ${stalls} one-second samples`);

const seconds = (Date.now() - start) / 1000;
console.log([
  `soak (${browser}, ${new Date().toISOString().slice(0, 10)}): ${seconds.toFixed(0)} s of training with ${strokes} strokes, ` +
    `${resets} resets and ${saveLoads} saves and loads`,
  `  training: ${final.samplesSeen.toLocaleString('en')} samples since the last model change, step ${final.step}, ` +
    `${final.trainingThreads} thread(s), off the main thread: ${final.offMainThread}; ${stalls} stalled samples of ${samples}`,
  `  frames after the warm-up: ${frames.count}, mean ${(frames.sum / Math.max(1, frames.count)).toFixed(1)} ms, ` +
    `longest ${frames.max.toFixed(0)} ms, over 250 ms: ${frames.over250}`,
  `  heap: ${warm ? mb(warm.heapSize) : '-'} after the warm-up, at most ${mb(heapMax)} later (${(100 * heapGrowth).toFixed(1)} %); ` +
    `in use ${mb(inUseAfterWarm)} to ${mb(inUseMax)} (${(100 * inUseGrowth).toFixed(1)} %)`,
  `  answering: a pause carried out in ${answerMs} ms; the oldest snapshot while training ${maxSnapshotAgeMs.toFixed(0)} ms`,
  `  console errors: ${errors.length}`,
  failures.length === 0 ? 'soak: passed' : `soak: FAILED (${failures.length})`,
].join('\n'));
process.exit(failures.length === 0 ? 0 : 1);
