// The autoencoder variants in the page: each trains for a few seconds with its loss falling, the state and the
// address say which variant runs with what settings, the VAE reports its KL apart and draws new digits, the sparse
// model counts its near-zero code units, the denoiser shows its noisy inputs, and a link with a variant
// reproduces it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, forEachBrowser, loadApp, press, resultPath, state } from './helpers.mjs';

const settled = (tab) => tab.waitFor(() => !window.latentCanvas.state().evaluating, null, 20000);

// Trains from `settings` for one epoch (a few seconds) and returns the state before and after.
async function trainOneEpoch(tab, settings) {
  await api(tab, 'apply', { ...settings, targetEpochs: 1 });
  await settled(tab);
  const before = await state(tab);
  await api(tab, 'setTraining', true);
  await tab.waitFor(() => { const s = window.latentCanvas.state(); return s.epoch >= 1 && !s.training && !s.evaluating; }, null, 90000);
  return { before, after: await state(tab) };
}

forEachBrowser('variants', (session) => {
  test('each variant trains in the page and its loss falls', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await api(tab, 'reset', 2);
    const cases = [
      { settings: { variant: 'denoising', noise: 'mask', noiseLevel: 0.3 }, architecture: '784-32-784 relu' },
      { settings: { variant: 'sparse', sparsity: 0.001 }, architecture: '784-32-784 relu' },
      { settings: { variant: 'vae', latent: 2, hidden: [128], beta: 1 }, architecture: '784-128-2-128-784 relu vae' },
    ];
    for (const c of cases) {
      // From fresh weights each time, so that every variant shows its own fall.
      await api(tab, 'apply', { variant: 'plain', latent: 32, hidden: [] });
      await api(tab, 'reset', 2);
      await settled(tab);
      const { before, after } = await trainOneEpoch(tab, c.settings);
      const what = `${c.settings.variant}: test loss ${before.testLoss} -> ${after.testLoss}`;
      assert.equal(after.variant, c.settings.variant);
      assert.equal(after.architecture, c.architecture);
      assert.equal(after.error, '');
      assert.ok(before.testLoss > 0.6, what);  // fresh random weights
      assert.ok(after.testLoss < before.testLoss - 0.2, what);
      assert.match(await tab.evaluate(() => location.hash), new RegExp(`&variant=${c.settings.variant}`));
      if (c.settings.variant === 'denoising') {
        assert.equal(after.noise, 'mask');
        assert.ok(Math.abs(after.noiseLevel - 0.3) < 1e-6);
        assert.match(await tab.evaluate(() => location.hash), /&noise=mask&level=0\.3$/);
        assert.equal(after.noisyDrawing, false);
        await press(tab, 'check:noisy-drawing');
        assert.equal((await state(tab)).noisyDrawing, true, 'the Noisy drawing box is ticked');
      }
      if (c.settings.variant === 'sparse') {
        assert.ok(after.nearZeroUnits >= 0 && after.nearZeroUnits <= 32, `near-zero units ${after.nearZeroUnits}`);
        assert.ok(after.testL1 > 0);
      }
      if (c.settings.variant === 'vae') {
        assert.ok(after.testKl > 0.5, `KL ${after.testKl}`);
        assert.ok(after.trainPenaltyPoints > 0, 'the KL has its own curve');
        await press(tab, 'button:new-digits');
        assert.equal((await state(tab)).samplesDrawn, after.samplesDrawn + 1, 'New digits draws other codes');
      }
      await tab.frames(3);
      await tab.screenshot(resultPath(`${tab.browser}-variant-${c.settings.variant}.png`));
    }
    await tab.close();
  });

  test('a link with a variant reproduces it', async () => {
    const link = '#latent=16&hidden=&activation=relu&lr=0.001&batch=256&epochs=3&seed=4&variant=denoising&noise=gaussian&level=0.4';
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab, 60000, link);
    await tab.waitFor(() => window.latentCanvas.state().variant === 'denoising', null, 20000);
    const s = await state(tab);
    assert.equal(s.latentDim, 16);
    assert.equal(s.noise, 'gaussian');
    assert.ok(Math.abs(s.noiseLevel - 0.4) < 1e-6);
    assert.equal(await tab.evaluate(() => location.hash), link);
    // A bad variant is named on the page, and the defaults stay.
    const bad = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), bad, 60000, '#variant=contractive');
    await bad.waitFor(() => window.latentCanvas.warnings.length > 0, null, 20000);
    assert.deepEqual(await bad.evaluate(() => window.latentCanvas.warnings),
      ["The link's settings could not be used (variant: expected plain, denoising, sparse or vae, got 'contractive'); using the defaults."]);
    assert.equal((await state(bad)).variant, 'plain');
    await bad.close();
    await tab.close();
  });
});
