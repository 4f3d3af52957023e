// The convolutional autoencoder in the page: the script API switches to it, it trains for an epoch with its loss
// falling, the state and the address say which model runs, a link with model=conv reproduces the setup, and its
// weights saved in the page load in the command line with the same test loss.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { THREE, api, forEachBrowser, loadApp, drawWithMouse, press, repo, resultPath, state } from './helpers.mjs';

const latentCli = path.join(repo, 'build', 'native', 'latent');
const settled = (tab) => tab.waitFor(() => !window.latentCanvas.state().evaluating, null, 20000);

forEachBrowser('convolutional model', (session) => {
  test('switching to the convolutional model: it trains in the page and its loss falls', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await api(tab, 'apply', { model: 'conv' });
    await api(tab, 'reset', 3);
    await api(tab, 'apply', { targetEpochs: 1 });  // after the reset, which starts a new run at the default target
    await settled(tab);
    const before = await state(tab);
    assert.equal(before.architecture, 'conv 16,8,8 relu');
    assert.equal(before.latentDim, 128);  // the 4 x 4 x 8 maps
    assert.equal(before.model, 'conv');
    assert.deepEqual(before.channels, [16, 8, 8]);
    assert.ok(before.testLoss > 0.6, `fresh weights: ${before.testLoss}`);
    assert.match(await tab.evaluate(() => location.hash), /^#model=conv&channels=16,8,8&bottleneck=0&activation=relu&/);
    await api(tab, 'setTraining', true);
    await tab.waitFor(() => { const s = window.latentCanvas.state(); return s.epoch >= 1 && !s.training && !s.evaluating; }, null, 120000);
    const after = await state(tab);
    assert.equal(after.error, '');
    assert.ok(after.testLoss < before.testLoss - 0.15, `test loss ${before.testLoss} -> ${after.testLoss}`);
    // Drawing: the maps after every convolution follow the strokes, and the last of them is the reconstruction.
    assert.deepEqual(await api(tab, 'featureMaps'), [], 'no maps before a drawing');
    await drawWithMouse(tab, [THREE[0]]);
    const half = await api(tab, 'featureMaps');
    await drawWithMouse(tab, [THREE[1]]);
    const maps = await api(tab, 'featureMaps');
    assert.deepEqual(maps.map((m) => `${m.channels}x${m.height}x${m.width}`),
      ['16x28x28', '8x14x14', '8x7x7', '8x4x4', '8x4x4', '8x8x8', '16x14x14', '1x28x28']);
    assert.deepEqual(maps.map((m) => m.code), [false, false, false, true, false, false, false, false]);
    const code = await api(tab, 'latent');
    assert.ok(Math.max(...code.map((v, i) => Math.abs(v - maps[3].values[i]))) < 1e-5, 'the code maps are the code');
    const sum = (v) => v.reduce((a, b) => a + b, 0);
    assert.notEqual(sum(maps[0].values), sum(half[0].values), 'the first maps follow the second stroke');
    const reconstruction = await api(tab, 'reconstruction');
    const worst = Math.max(...reconstruction.map((v, i) => Math.abs(v - maps[7].values[i])));
    assert.ok(worst < 1e-4, `the last maps are the reconstruction (worst difference ${worst})`);
    await press(tab, 'tab:units');
    await tab.frames(3);
    await tab.screenshot(resultPath(`${tab.browser}-conv-trained.png`));

    // The weights, saved as the page saves them, load in the command line with the same test loss.
    const { name, bytes } = await tab.evaluate(() => {
      const f = window.latentCanvas.weightsFile();
      return { name: f.name, bytes: Array.from(f.bytes) };
    });
    assert.match(name, /^latent-canvas-conv/);
    const file = resultPath(`${tab.browser}-${name}`);
    fs.writeFileSync(file, Buffer.from(bytes));
    const out = JSON.parse(execFileSync(latentCli, ['eval', '--weights', file, '--json']).toString());
    assert.ok(Math.abs(out.test_loss - after.testLoss) < 1e-4 * after.testLoss, `CLI ${out.test_loss}, page ${after.testLoss}`);
    await tab.close();
  });

  test('a link with model=conv reproduces the setup, and a bad one is named', async () => {
    const link = '#model=conv&channels=8,8&bottleneck=2&activation=relu&lr=0.001&batch=64&epochs=3&seed=4&variant=vae&beta=1';
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab, 60000, link);
    await tab.waitFor(() => window.latentCanvas.state().model === 'conv', null, 20000);
    const s = await state(tab);
    assert.equal(s.architecture, 'conv 8,8 bottleneck 2 relu vae');
    assert.equal(s.latentDim, 2);
    assert.equal(await tab.evaluate(() => location.hash), link);
    await tab.close();

    const bad = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), bad, 60000, '#model=conv&latent=8');
    await bad.waitFor(() => window.latentCanvas.warnings.length > 0, null, 20000);
    assert.deepEqual(await bad.evaluate(() => window.latentCanvas.warnings),
      ["The link's settings could not be used (latent size applies to model dense only); using the defaults."]);
    assert.equal((await state(bad)).model, 'dense');
    await bad.close();
  });

  test('the pretrained convolutional models arrive when asked, for MNIST and Fashion-MNIST', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    const fetched = () => tab.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('-conv-')));
    assert.deepEqual(await fetched(), [], 'the first load has the dense model only');
    // Through the menu, as a person would: Pretrained, then Convolutional.
    await press(tab, 'button:pretrained');
    await tab.frames(2);
    await press(tab, 'menu:pretrained-conv');
    await tab.waitFor(() => { const s = window.latentCanvas.state(); return s.model === 'conv' && s.origin.startsWith('pretrained') && !s.evaluating; }, null, 30000);
    const conv = await state(tab);
    assert.equal(conv.architecture, 'conv 16,8,8 relu');
    assert.ok(conv.testLoss < 0.105, `pretrained conv test loss ${conv.testLoss}`);
    assert.match(conv.fileMessage, /^Switched to the pretrained Convolutional 16,8,8 model/);
    assert.equal((await fetched()).length, 1);
    await drawWithMouse(tab, THREE);
    assert.equal((await api(tab, 'featureMaps')).length, 8);
    await press(tab, 'tab:units');
    await tab.frames(3);
    await tab.screenshot(resultPath(`${tab.browser}-conv-pretrained.png`));
    // Back to the dense one and again to the convolutional one: both are kept, nothing more is fetched.
    const dense = await api(tab, 'usePretrained', 'dense');
    assert.equal(dense.model, 'dense');
    assert.ok(dense.testLoss < 0.11, `pretrained dense test loss ${dense.testLoss}`);
    assert.equal((await api(tab, 'usePretrained', 'conv')).testLoss, conv.testLoss);
    assert.equal((await fetched()).length, 1);
    // Fashion-MNIST brings its own dense model; its convolutional one is fetched when asked.
    await api(tab, 'chooseData', 'fashion');
    await tab.waitFor(() => window.latentCanvas.state().dataKind === 'fashion' && !window.latentCanvas.state().evaluating, null, 30000);
    assert.equal((await state(tab)).model, 'dense');
    const fashion = await api(tab, 'usePretrained', 'conv');
    assert.equal(fashion.model, 'conv');
    assert.ok(fashion.testLoss < 0.29, `pretrained Fashion conv test loss ${fashion.testLoss}`);
    assert.ok((await fetched()).some((n) => n.endsWith('fashion-conv-16-8-8.safetensors.gz')));
    await assert.rejects(api(tab, 'usePretrained', 'resnet'), /usePretrained: model: expected 'dense' or 'conv', got "resnet"/);
    await tab.close();
  });
});
