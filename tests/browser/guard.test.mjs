// The divergence guard in the page: a learning rate of 10 explodes the loss within a few steps; training stops by
// itself, the last good weights come back (the test loss is the one they had), and the Training panel says what
// happened and what to try.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, forEachBrowser, loadApp, resultPath, state } from './helpers.mjs';


forEachBrowser('divergence guard', (session) => {
  test('a learning rate of 10 stops training and brings the last good weights back', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await tab.waitFor(() => !window.latentCanvas.state().evaluating, null, 20000);
    const before = await state(tab);
    assert.match(before.origin, /^pretrained/);
    await api(tab, 'apply', { learningRate: 10 });
    await api(tab, 'setTraining', true);
    await tab.waitFor(() => { const s = window.latentCanvas.state(); return s.diverged !== '' && !s.training; }, null, 30000);
    const s = await state(tab);
    assert.match(s.diverged, /^training diverged at step \d+ \(batch loss [^)]+\) and stopped; the weights from step 0 are back\. Try a lower learning rate than 10\.$/);
    assert.equal(s.testLoss, before.testLoss, 'the pretrained weights are back, with their test loss');
    // The drawing still reconstructs with the restored weights.
    const recon = await tab.evaluate(() => Array.from(window.latentCanvas.reconstruction()));
    assert.equal(recon.length, 784);
    assert.ok(recon.every(Number.isFinite));
    await tab.frames(3);
    await tab.screenshot(resultPath(`${tab.browser}-diverged.png`));
    await tab.close();
  });

  test('a model too large for the browser is refused with what it needs, and the page keeps its model', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await tab.waitFor(() => !window.latentCanvas.state().evaluating, null, 20000);
    const before = await state(tab);
    // What WebAssembly can grow to (2 GiB) less the interface's share.
    assert.ok(before.memoryLimit > 1.5 * 2 ** 30 && before.memoryLimit < 2 ** 31, `memoryLimit ${before.memoryLimit}`);
    // Six hidden layers of 4096 need about 6 GB for the weights alone: refused before anything is allocated.
    // apply() resolves with the state once the session has taken the command.
    const s = await api(tab, 'apply', { hidden: [4096, 4096, 4096, 4096, 4096, 4096] });
    assert.match(s.error, /^training 784-4096x6-32-4096x6-784 relu at batch 256 on \d thread\(s\) needs [\d.]+ GB \(weights [\d.]+ GB, .*\); the memory limit is 1\.\d GB; try a smaller model or batch, or fewer threads$/);
    assert.equal(s.architecture, before.architecture);
    assert.equal(s.origin, before.origin, 'the model is the one the page had');
    assert.ok(s.heapSize < 256 * 2 ** 20, `the heap did not grow for it (${s.heapSize} bytes)`);
    await tab.frames(3);
    await tab.screenshot(resultPath(`${tab.browser}-memory-refused.png`));
    // A model that fits is made as before, and trains.
    const fits = await api(tab, 'apply', { hidden: [256] });
    assert.equal(fits.error, '');
    assert.equal(fits.architecture, '784-256-32-256-784 relu');
    await api(tab, 'setTraining', true);
    await tab.waitFor(() => window.latentCanvas.state().step >= 5, null, 30000);
    await tab.close();
  });
});
