// The built-in data sets: Fashion-MNIST is downloaded only when chosen, comes with its pretrained model and its
// class names, trains, asks before it replaces a model trained here, and a link with data=fashion reproduces it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, forEachBrowser, loadApp, resultPath, state } from './helpers.mjs';

const requested = (tab) => tab.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
const FASHION_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

forEachBrowser('data sets', (session) => {
  test('Fashion-MNIST: fetched when chosen, its pretrained model and class names, and it trains', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    assert.equal((await state(tab)).dataKind, 'mnist');
    assert.ok(!(await requested(tab)).some((p) => p.includes('fashion')), 'nothing of Fashion-MNIST on the first load');

    await api(tab, 'chooseData', 'fashion');
    await tab.waitFor(() => window.latentCanvas.state().dataKind === 'fashion', null, 30000);
    await tab.waitFor(() => !window.latentCanvas.state().evaluating, null, 20000);
    let s = await state(tab);
    assert.deepEqual(s.classNames, FASHION_NAMES);
    assert.equal(s.trainImages, 8000);
    assert.equal(s.testImages, 2000);
    assert.match(s.origin, /^pretrained, 50 epochs/);
    assert.ok(Math.abs(s.testLoss - 0.2947) < 0.002, `the pretrained model's test loss ${s.testLoss}`);
    assert.match(s.fileMessage, /^Switched to Fashion-MNIST, with its pretrained model/);
    assert.match(await tab.evaluate(() => location.hash), /&data=fashion$/);
    const paths = await requested(tab);
    for (const f of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'fashion-784-32.safetensors']) {
      assert.ok(paths.some((p) => p.endsWith(f)), `${f} was downloaded`);
    }
    await tab.frames(3);
    await tab.screenshot(resultPath(`${tab.browser}-fashion.png`));

    // From scratch, one epoch: the loss falls.
    await api(tab, 'reset', 3);
    await api(tab, 'apply', { targetEpochs: 1 });
    await tab.waitFor(() => !window.latentCanvas.state().evaluating, null, 20000);
    const before = (await state(tab)).testLoss;
    await api(tab, 'setTraining', true);
    await tab.waitFor(() => { const t = window.latentCanvas.state(); return t.epoch >= 1 && !t.training && !t.evaluating; }, null, 60000);
    s = await state(tab);
    assert.ok(s.testLoss < before - 0.1, `Fashion-MNIST test loss ${before} -> ${s.testLoss}`);

    // Back to the digits: over a model trained here, it asks first; Escape keeps the model.
    await api(tab, 'chooseData', 'mnist');
    await tab.waitFor(() => window.latentCanvas.state().filesWaiting, null, 20000);
    await tab.frames(3);
    await tab.screenshot(resultPath(`${tab.browser}-data-question.png`));
    await tab.evaluate(() => document.getElementById('canvas').focus());
    await tab.keys('Escape');
    await tab.waitFor(() => !window.latentCanvas.state().filesWaiting, null, 10000);
    s = await state(tab);
    assert.equal(s.dataKind, 'fashion', 'Escape kept Fashion-MNIST and its model');
    assert.equal(s.filesWaiting, false);
    await api(tab, 'chooseData', 'mnist');
    await tab.waitFor(() => window.latentCanvas.state().filesWaiting, null, 20000);
    await tab.frames(3);
    await tab.evaluate(() => document.getElementById('canvas').focus());
    await tab.keys('Enter');
    await tab.waitFor(() => window.latentCanvas.state().dataKind === 'mnist', null, 20000);
    s = await state(tab);
    assert.equal(s.classNames[3], '3');
    assert.match(s.origin, /^pretrained/);
    await tab.close();
  });

  test('a link with data=fashion opens Fashion-MNIST, then applies its settings', async () => {
    const link = '#latent=32&hidden=&activation=relu&lr=0.002&batch=128&epochs=5&seed=1&variant=plain&data=fashion';
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab, 60000, link);
    await tab.waitFor(() => { const s = window.latentCanvas.state(); return s.dataKind === 'fashion' && s.batchSize === 128; }, null, 30000);
    const s = await state(tab);
    assert.ok(Math.abs(s.learningRate - 0.002) < 1e-9);
    assert.match(s.origin, /^pretrained/, 'the same shape keeps the pretrained Fashion-MNIST model');
    assert.equal(await tab.evaluate(() => location.hash), link);
    await tab.close();
  });
});
