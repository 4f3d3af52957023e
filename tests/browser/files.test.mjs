// A person's own files in the page: weights saved with the Save button (a real download where the browser driver
// can catch one), evaluated by the CLI to the page's test loss, and loaded back through the file input and by a
// drop (asking first when they would replace a trained model); IDX images and labels, one pair split 80/20 or
// two pairs as training and test sets, up to the full MNIST's 60,000, which then train; and files the page
// refuses, with the reason on the page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { THREE, api, drawWithMouse, forEachBrowser, loadApp, press, repo, resultPath, state } from './helpers.mjs';
import { maxDifference, runOnnx, runTfjs, unzip } from './readers.mjs';

const cli = path.join(repo, 'build', 'native', 'latent');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-files-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// The bundled digits as raw IDX, and IDX files made from them: `count` images starting at `from` (wrapping
// around, so more than the 10,000 bundled can be made), with their labels.
const bundled = {
  images: zlib.gunzipSync(fs.readFileSync(path.join(repo, 'assets', 'mnist', 'images-idx3-ubyte.gz'))),
  labels: zlib.gunzipSync(fs.readFileSync(path.join(repo, 'assets', 'mnist', 'labels-idx1-ubyte.gz'))),
};
function idxPair(count, from = 0) {
  const header = (magic, dims) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  const images = Buffer.alloc(count * 784);
  const labels = Buffer.alloc(count);
  for (let i = 0; i < count; i++) {
    const k = (from + i) % 10000;
    bundled.images.copy(images, i * 784, 16 + k * 784, 16 + (k + 1) * 784);
    labels[i] = bundled.labels[8 + k];
  }
  return { images: Buffer.concat([header(0x803, [count, 28, 28]), images]), labels: Buffer.concat([header(0x801, [count]), labels]) };
}
function writeFile(name, bytes) {
  const file = path.join(work, name);
  fs.writeFileSync(file, bytes);
  return file;
}

// Drops files on the page as a person dragging them from a file manager would: dragenter, dragover, drop.
async function drop(tab, files) {
  await tab.evaluate((list) => {
    const transfer = new DataTransfer();
    const decode = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    for (const f of list) transfer.items.add(new File([decode(f.bytes)], f.name));
    const canvas = document.getElementById('canvas');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      canvas.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes).toString('base64') })));
}
const settled = (tab) => tab.waitFor(() => { const s = window.latentCanvas.state(); return !s.evaluating && s.commandsApplied >= 0; }, null, 20000);
async function trainEpochs(tab, epochs) {
  await api(tab, 'apply', { targetEpochs: epochs });
  await api(tab, 'setTraining', true);
  await tab.waitFor((n) => { const s = window.latentCanvas.state(); return s.epoch >= n && !s.training && !s.evaluating; }, epochs, 60000);
}
const evalCli = (file) => JSON.parse(execFileSync(cli, ['eval', '--weights', file, '--json'], { encoding: 'utf8' }));

forEachBrowser('files', (session) => {
  test('weights: saved, evaluated by the CLI to the same test loss, loaded back by the file input and by a drop', async (t) => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await api(tab, 'reset', 3);
    await trainEpochs(tab, 1);
    const trained = await state(tab);

    // Saved: the Save button downloads the file where the driver can catch it; the script API gives the bytes.
    const { name, bytes } = await tab.evaluate(() => {
      const f = window.latentCanvas.weightsFile();
      return { name: f.name, bytes: Array.from(f.bytes) };
    });
    assert.equal(name, 'latent-canvas-784-32-784-relu-e1.safetensors');
    const saved = writeFile(`${tab.browser}-${name}`, Buffer.from(bytes));
    if (tab.download) {
      const downloaded = path.join(work, `${tab.browser}-download.safetensors`);
      const suggested = await tab.download(() => press(tab, 'button:save'), downloaded);
      assert.equal(suggested, name);
      assert.deepEqual(fs.readFileSync(downloaded), fs.readFileSync(saved), 'the download is the file');
      assert.match((await state(tab)).fileMessage, /^Saved the weights as latent-canvas-784-32-784-relu-e1\.safetensors/);
    } else {
      t.diagnostic(`${tab.browser}: the driver cannot catch downloads; the bytes come from weightsFile()`);
    }
    const evaluated = evalCli(saved);
    assert.ok(Math.abs(evaluated.test_loss - trained.testLoss) < 1e-5 * trained.testLoss,
      `latent eval ${evaluated.test_loss}, the page ${trained.testLoss}`);

    // Loaded back through the file input (nothing trained since the reset, so no question).
    await api(tab, 'reset', 9);
    await settled(tab);
    assert.notEqual((await state(tab)).testLoss, trained.testLoss);
    await tab.setInputFiles('#file-input', [saved]);
    await tab.waitFor((n) => window.latentCanvas.state().origin === n, `from ${path.basename(saved)}, 1 epochs`, 20000);
    await settled(tab);
    let s = await state(tab);
    assert.ok(Math.abs(s.testLoss - trained.testLoss) < 1e-6, `loaded ${s.testLoss}, saved ${trained.testLoss}`);
    assert.equal(s.fileError, false);
    assert.equal(s.fileMessage, `Loaded ${path.basename(saved)}`);

    // Dropped on a model trained here: the page asks first; Escape keeps the model, Enter replaces it.
    await api(tab, 'reset', 11);
    await trainEpochs(tab, 1);
    const before = (await state(tab)).testLoss;
    await drop(tab, [{ name: 'dropped.safetensors', bytes: fs.readFileSync(saved) }]);
    await tab.waitFor(() => window.latentCanvas.state().filesWaiting, null, 10000);
    await tab.frames(3);
    await tab.screenshot(resultPath(`files-replace-question-${tab.browser}.png`));
    await tab.evaluate(() => document.getElementById('canvas').focus());
    await tab.keys('Escape');
    await tab.waitFor(() => !window.latentCanvas.state().filesWaiting, null, 10000);
    assert.equal((await state(tab)).testLoss, before, 'Escape keeps the model');
    await drop(tab, [{ name: 'dropped.safetensors', bytes: fs.readFileSync(saved) }]);
    await tab.waitFor(() => window.latentCanvas.state().filesWaiting, null, 10000);
    await tab.frames(3);
    await tab.evaluate(() => document.getElementById('canvas').focus());
    await tab.keys('Enter');
    await tab.waitFor(() => window.latentCanvas.state().origin === 'from dropped.safetensors, 1 epochs', null, 20000);
    await settled(tab);
    s = await state(tab);
    assert.ok(Math.abs(s.testLoss - trained.testLoss) < 1e-6);
    await tab.close();
  });

  test('Export: the menu downloads ONNX and TF.js files that give the page\'s code and reconstruction of a drawing', async (t) => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await drawWithMouse(tab, THREE);
    const [input, code, reconstruction] = [await api(tab, 'input'), await api(tab, 'latent'), await api(tab, 'reconstruction')];
    const exported = (format, part) => tab.evaluate(([f, p]) => {
      const e = window.latentCanvas.exportModel({ format: f, part: p });
      return { name: e.name, bytes: Array.from(e.bytes) };
    }, [format, part]);

    // The menu: Export, then a part; the download is the script API's file.
    await press(tab, 'button:export');
    await tab.frames(2);
    await tab.screenshot(resultPath(`files-export-menu-${tab.browser}.png`));
    const onnx = await exported('onnx', 'encoder');
    assert.equal(onnx.name, 'latent-canvas-784-32-784-relu-e0-encoder.onnx');
    if (tab.download) {
      const downloaded = path.join(work, `${tab.browser}-export.onnx`);
      assert.equal(await tab.download(() => press(tab, 'menu:export-onnx-encoder'), downloaded), onnx.name);
      assert.deepEqual(fs.readFileSync(downloaded), Buffer.from(onnx.bytes), 'the download is the file');
    } else {
      await press(tab, 'menu:export-onnx-encoder');
      t.diagnostic(`${tab.browser}: the driver cannot catch downloads; the bytes come from exportModel()`);
    }
    await tab.waitFor(() => /^Exported the encoder as latent-canvas-784-32-784-relu-e0-encoder\.onnx/.test(window.latentCanvas.state().fileMessage), null, 10000);

    // onnxruntime and TF.js give what the page shows for the drawing.
    const near = (got, want, what) => assert.ok(maxDifference(got, want) <= 1e-5, `${what}: max |difference| ${maxDifference(got, want)}`);
    near((await runOnnx(Uint8Array.from(onnx.bytes), ['input', input, [1, 784]])).code, code, 'ONNX encoder, code');
    const whole = await exported('onnx', 'all');
    near((await runOnnx(Uint8Array.from(whole.bytes), ['input', input, [1, 784]])).reconstruction, reconstruction, 'ONNX, reconstruction');
    const tfjs = await exported('tfjs', 'decoder');
    assert.equal(tfjs.name, 'latent-canvas-784-32-784-relu-e0-decoder.tfjs.zip');
    const files = unzip(tfjs.bytes);
    assert.deepEqual(Object.keys(files), ['model.json', 'weights.bin']);
    const decoded = await runTfjs(files['model.json'].toString('utf8'), files['weights.bin'], ['code', code, [1, code.length]]);
    near(decoded.reconstruction, reconstruction, 'TF.js decoder, reconstruction');
    await assert.rejects(tab.evaluate(() => window.latentCanvas.exportModel({ format: 'keras' })), /format must be 'onnx' or 'tfjs'/);
    await tab.close();
  });

  test('IDX files: one pair is split 80/20, two pairs train and test, 60,000 images work and train', async (t) => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);

    // One pair, the images gzipped and the labels plain, through the file input. They would replace the
    // pretrained model, so the page asks first; Enter says yes.
    const one = idxPair(6000);
    await tab.setInputFiles('#file-input', [writeFile('six-images.gz', zlib.gzipSync(one.images)), writeFile('six-labels', one.labels)]);
    await tab.waitFor(() => window.latentCanvas.state().filesWaiting, null, 20000);
    await tab.frames(3);
    await tab.evaluate(() => document.getElementById('canvas').focus());
    await tab.keys('Enter');
    await tab.waitFor(() => window.latentCanvas.state().trainImages === 4800, null, 20000);
    let s = await state(tab);
    assert.equal(s.testImages, 1200);
    assert.equal(s.data, 'six-images.gz (6,000), stratified 80/20 split');
    assert.equal(s.fileMessage, 'Opened six-images.gz (6,000), stratified 80/20 split');
    assert.equal(s.origin, 'random weights (seed 1)');

    // Two pairs, dropped: the larger trains. 60,000 training images (the full MNIST's count), 10,000 to test.
    const train = idxPair(60000, 0);
    const testPair = idxPair(10000, 5000);
    const started = Date.now();
    await drop(tab, [
      { name: 'train-images-idx3-ubyte.gz', bytes: zlib.gzipSync(train.images) },
      { name: 'train-labels-idx1-ubyte.gz', bytes: zlib.gzipSync(train.labels) },
      { name: 't10k-images-idx3-ubyte', bytes: testPair.images },
      { name: 't10k-labels-idx1-ubyte', bytes: testPair.labels },
    ]);
    await tab.waitFor(() => window.latentCanvas.state().trainImages === 60000, null, 60000);
    t.diagnostic(`60,000 + 10,000 images dropped and opened in ${Date.now() - started} ms`);
    s = await state(tab);
    assert.equal(s.testImages, 10000);
    assert.equal(s.data, 'train-images-idx3-ubyte.gz (60,000) to train and t10k-images-idx3-ubyte (10,000) to test');
    await settled(tab);
    const first = (await state(tab)).testLoss;
    // They train: the loss falls within a few hundred steps.
    await api(tab, 'setTraining', true);
    await tab.waitFor(() => window.latentCanvas.state().step >= 150, null, 60000);
    await api(tab, 'setTraining', false);
    s = await state(tab);
    assert.equal(s.batchesPerEpoch, Math.ceil(60000 / s.batchSize));
    assert.ok(s.trainLoss < 0.9 * first, `train loss ${s.trainLoss} after ${s.step} steps, from ${first}`);
    await tab.frames(3);
    await tab.screenshot(resultPath(`files-full-mnist-${tab.browser}.png`));
    await tab.close();
  });

  test('a link with settings reproduces them, and the address follows the settings', async () => {
    const link = '#latent=8&hidden=64&activation=tanh&lr=0.003&batch=64&epochs=7&seed=5&variant=plain';
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab, 60000, link);
    await tab.waitFor(() => window.latentCanvas.state().latentDim === 8, null, 20000);
    await settled(tab);
    let s = await state(tab);
    assert.equal(s.architecture, '784-64-8-64-784 tanh');
    assert.equal(s.batchSize, 64);
    assert.ok(Math.abs(s.learningRate - 0.003) < 1e-9, `learning rate ${s.learningRate}`);
    assert.equal(s.targetEpochs, 7);
    assert.equal(s.seed, 5);
    assert.equal(s.origin, 'random weights (seed 5)');
    assert.equal(await tab.evaluate(() => location.hash), link, 'the address keeps the settings');
    // A change of setting shows in the address, and that address reproduces it.
    await api(tab, 'apply', { batchSize: 128 });
    await tab.waitFor(() => location.hash.includes('batch=128'), null, 10000);
    const changed = await tab.evaluate(() => location.hash);
    assert.equal(changed, '#latent=8&hidden=64&activation=tanh&lr=0.003&batch=128&epochs=7&seed=5&variant=plain');
    // Copy link: the address on the clipboard, said on the page and on the button.
    if (tab.context?.grantPermissions) await tab.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await press(tab, 'button:copy-link');
    await tab.waitFor(() => window.latentCanvas.lastCopiedLink !== undefined, null, 10000);
    assert.equal(await tab.evaluate(() => window.latentCanvas.lastCopiedLink), `${session().url}${changed}`);
    assert.equal(await tab.text('#notice'), `Copied the link to this setup: ${session().url}${changed}`);
    if (tab.context?.grantPermissions) assert.equal(await tab.evaluate(() => navigator.clipboard.readText()), `${session().url}${changed}`);
    const again = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), again, 60000, changed);
    await again.waitFor(() => window.latentCanvas.state().batchSize === 128, null, 20000);
    s = await state(again);
    assert.equal(s.architecture, '784-64-8-64-784 tanh');
    assert.equal(s.seed, 5);
    await again.close();
    // A link the page cannot use: the defaults (the pretrained model), and the reason on the page.
    const bad = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), bad, 60000, '#latent=1&lr=0.01');
    await bad.waitFor(() => window.latentCanvas.warnings.length > 0, null, 20000);
    assert.deepEqual(await bad.evaluate(() => window.latentCanvas.warnings),
      ["The link's settings could not be used (latent size: expected a whole number from 2 to 1024, got '1'); using the defaults."]);
    s = await state(bad);
    assert.equal(s.architecture, '784-32-784 relu');
    assert.match(s.origin, /^pretrained/);
    await bad.close();
    await tab.close();
  });

  test('files the page cannot use are refused with the reason on the page, and the model stays', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await settled(tab);
    const before = await state(tab);
    const refused = async (files, message) => {
      await drop(tab, files);
      await tab.waitFor((m) => window.latentCanvas.state().fileMessage === m, message, 10000)
        .catch(async () => assert.fail(`expected "${message}", got "${(await state(tab)).fileMessage}"`));
      const s = await state(tab);
      assert.equal(s.fileError, true);
      assert.equal(s.origin, before.origin);
      assert.equal(s.trainImages, before.trainImages);
      assert.equal(await tab.text('#notice'), message, 'the page shows it too');
    };
    await refused([{ name: 'notes.txt', bytes: Buffer.from('hello, world') }],
      'notes.txt: not a weights file (.safetensors) nor an IDX file of images or labels (plain or gzipped)');
    const pair = idxPair(500);
    await refused([{ name: 'images', bytes: pair.images }],
      'images: 500 images, and no labels file with 500 labels; open the images with their labels');
    // The first 5,000 bytes: the header (656 bytes with its length) and 4,344 of the 203,968 bytes of weights.
    const cut = fs.readFileSync(path.join(repo, 'assets', 'weights', 'seed-784-32.safetensors')).subarray(0, 5000);
    await refused([{ name: 'cut.safetensors', bytes: cut }],
      'cut.safetensors: architecture 784-32-784 relu needs 203968 bytes of weights; the file holds 4344');
    await tab.screenshot(resultPath(`files-refused-${tab.browser}.png`));
    await tab.close();
  });
});

