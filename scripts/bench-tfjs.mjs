#!/usr/bin/env node
// Times TF.js training the Keras article's convolutional autoencoder, the model `latent bench --model conv` and the
// page's bench({model: 'conv'}) time, so that docs/benchmarks.md can set them side by side. Prints one JSON object
// per browser and backend: images/s over the timed steps (batch 256, Adam 1e-3, binary cross-entropy, after warm-up
// steps), and for WebGL the renderer the browser reports (in headless Chromium: SwiftShader, a software GL).
//
// TF.js is installed once into ~/.cache/latent-canvas/tfjs (npm, not the repository) and served with a small test
// page from a temporary folder on 127.0.0.1.
//   node scripts/bench-tfjs.mjs [--browser chromium|firefox] [--backends cpu,webgl,wasm] [--cpu-steps 3]
//                               [--webgl-steps 10]
// Firefox needs an X display: xvfb-run -a node scripts/bench-tfjs.mjs --browser firefox
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBrowser } from '../tests/browser/browsers.mjs';
import { startPlainServer } from '../tests/browser/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const browserName = arg('--browser', 'chromium');
const backends = arg('--backends', 'cpu,webgl,wasm').split(',');
const steps = { cpu: Number(arg('--cpu-steps', 3)), webgl: Number(arg('--webgl-steps', 10)), wasm: 3 };
const VERSION = '4.22.0';

// TF.js and its wasm backend, installed once into the cache.
function installTfjs() {
  const cache = path.join(os.homedir(), '.cache', 'latent-canvas', 'tfjs');
  const dist = (pkg) => path.join(cache, 'node_modules', '@tensorflow', pkg, 'dist');
  if (!fs.existsSync(path.join(dist('tfjs-backend-wasm'), 'tf-backend-wasm.min.js'))) {
    fs.mkdirSync(cache, { recursive: true });
    execFileSync('npm', ['install', '--prefix', cache, '--no-audit', '--no-fund', '--ignore-scripts',
      `@tensorflow/tfjs@${VERSION}`, `@tensorflow/tfjs-backend-wasm@${VERSION}`], { stdio: 'inherit' });
  }
  return dist;
}

// The page: TF.js, its wasm backend (with its .wasm files beside it), and benchTfjs(backend, steps).
function writePage(dist) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-tfjs-'));
  fs.copyFileSync(path.join(dist('tfjs'), 'tf.min.js'), path.join(root, 'tf.min.js'));
  for (const f of fs.readdirSync(dist('tfjs-backend-wasm'))) {
    if (f === 'tf-backend-wasm.min.js' || f.endsWith('.wasm')) fs.copyFileSync(path.join(dist('tfjs-backend-wasm'), f), path.join(root, f));
  }
  fs.writeFileSync(path.join(root, 'index.html'), `<!doctype html><meta charset="utf-8"><title>TF.js bench</title>
<script src="tf.min.js"></script><script src="tf-backend-wasm.min.js"></script><script>
// The Keras article's convolutional autoencoder, as scripts/pytorch_reference.py builds it.
function kerasConvAutoencoder() {
  const conv = (filters, extra = {}) => tf.layers.conv2d({ filters, kernelSize: 3, activation: 'relu', padding: 'same', ...extra });
  const m = tf.sequential();
  m.add(conv(16, { inputShape: [28, 28, 1] }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
  m.add(conv(8));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
  m.add(conv(8));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
  m.add(conv(8));
  m.add(tf.layers.upSampling2d({ size: [2, 2] }));
  m.add(conv(8));
  m.add(tf.layers.upSampling2d({ size: [2, 2] }));
  m.add(conv(16, { padding: 'valid' }));
  m.add(tf.layers.upSampling2d({ size: [2, 2] }));
  m.add(conv(1, { activation: 'sigmoid' }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  return m;
}
function glRenderer() {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
}
async function benchTfjs(backend, steps) {
  tf.env().set('SOFTWARE_WEBGL_ENABLED', true);  // else TF.js refuses a software GL (SwiftShader, llvmpipe)
  if (!(await tf.setBackend(backend))) return { error: 'backend ' + backend + ' did not start' };
  await tf.ready();
  const model = kerasConvAutoencoder();
  const x = tf.tidy(() => tf.randomUniform([256, 28, 28, 1]).greater(0.8).toFloat());
  try {
    await model.trainOnBatch(x, x);  // warm-up: shaders, kernels, the optimizer's slots
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, x);
    const seconds = (performance.now() - t0) / 1000;
    return { imagesPerSec: steps * 256 / seconds, seconds };
  } catch (e) {
    return { error: String(e.message || e) };
  } finally {
    x.dispose();
    model.dispose();
  }
}
</script>`);
  return root;
}

const root = writePage(installTfjs());
const { server, url } = await startPlainServer({ root });
const driver = await startBrowser(browserName);
try {
  const tab = await driver.open({ width: 800, height: 600 });
  await tab.goto(url);
  await tab.waitFor(() => typeof window.benchTfjs === 'function', null, 60000);
  const renderer = await tab.evaluate(() => glRenderer());
  for (const backend of backends) {
    const r = await tab.evaluate(([b, n]) => benchTfjs(b, n), [backend, steps[backend] ?? 3]);
    const rounded = r.imagesPerSec === undefined ? r : { images_per_sec: Math.round(r.imagesPerSec * 10) / 10, seconds: Math.round(r.seconds * 10) / 10 };
    console.log(JSON.stringify({ browser: browserName, tfjs: VERSION, backend, steps: steps[backend] ?? 3, batch: 256,
      ...(backend === 'webgl' ? { gl_renderer: renderer } : {}), ...rounded }));
  }
} finally {
  await driver.close();
  await new Promise((done) => server.close(done));
  fs.rmSync(root, { recursive: true, force: true });
}
