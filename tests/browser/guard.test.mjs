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
});
