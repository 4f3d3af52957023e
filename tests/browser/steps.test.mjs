// Training one step at a time, in each tested browser: the Step button and step(n) run exactly their steps and
// pause, every view then shows the new weights, and slow motion trains at the pace asked for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THREE, api, drawWithMouse, forEachBrowser, loadApp, press, state } from './helpers.mjs';

const settled = (tab) => tab.waitFor(() => !window.latentCanvas.state().evaluating, null, 20000);

forEachBrowser('step-by-step training', (session) => {
  test('Step runs one batch and pauses; step(n) runs exactly n; the views show the new weights', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await api(tab, 'reset', 5);
    await settled(tab);
    await drawWithMouse(tab, THREE);
    const before = await state(tab);
    assert.equal(before.step, 0);
    const reconBefore = await api(tab, 'reconstruction');

    await press(tab, 'button:step');
    await tab.waitFor(() => { const s = window.latentCanvas.state(); return s.step === 1 && !s.training; }, null, 20000);
    await tab.frames(3);
    const one = await state(tab);
    assert.equal(one.step, 1);
    assert.equal(one.stepsLeft, 0);
    assert.ok(one.trainLoss > 0, `train loss after one step: ${one.trainLoss}`);
    const reconAfter = await api(tab, 'reconstruction');
    const moved = reconAfter.reduce((m, v, i) => Math.max(m, Math.abs(v - reconBefore[i])), 0);
    assert.ok(moved > 1e-4, `the drawing's reconstruction follows the step (max change ${moved})`);

    const five = await api(tab, 'step', 5);
    assert.equal(five.step, 6);
    assert.equal(five.training, false);
    await tab.frames(10);
    assert.equal((await state(tab)).step, 6, 'nothing runs after the steps');
    // Across an epoch's end: the epoch is evaluated and recorded.
    const more = await api(tab, 'step', five.batchesPerEpoch);
    assert.equal(more.step, 6 + (five.batchesPerEpoch));
    assert.equal(more.epoch, 1);
    await assert.rejects(api(tab, 'step', 0), /steps: expected a whole number from 1 to 1000000, got 0/);
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });

  test('slow motion trains at the pace asked for, and at full speed again at 0', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await api(tab, 'apply', { stepsPerSecond: 4, targetEpochs: 1000 });
    await api(tab, 'setTraining', true);
    const start = (await state(tab)).step;
    await new Promise((go) => setTimeout(go, 2000));
    const slow = (await state(tab)).step - start;
    assert.ok(slow >= 6 && slow <= 10, `${slow} steps in 2 s at 4 a second`);
    assert.equal((await state(tab)).stepsPerSecond, 4);
    await api(tab, 'apply', { stepsPerSecond: 0 });
    const fast0 = (await state(tab)).step;
    await new Promise((go) => setTimeout(go, 1000));
    const fast = (await state(tab)).step - fast0;
    assert.ok(fast > 20, `${fast} steps in 1 s at full speed`);
    await api(tab, 'setTraining', false);
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });
});
