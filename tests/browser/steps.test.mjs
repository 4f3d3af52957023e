// Training one step at a time, in each tested browser: the Step button and step(n) run exactly their steps and
// pause, every view then shows the new weights, and slow motion trains at the pace asked for. And the identity
// trap: a code of 1,024 numbers trains, the page names the trap, and the views work on it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THREE, api, drawWithMouse, forEachBrowser, loadApp, press, state } from './helpers.mjs';

const settled = async (tab) => { await tab.waitFor(() => !window.latentCanvas.state().evaluating, null, 20000); return state(tab); };

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

forEachBrowser('the identity trap: a code wider than the input', (session) => {
  test('latent 1024 trains, the panel names the trap, and the map, sliders and neighbours work on the wide code', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await api(tab, 'apply', { latent: 1024 });
    const fresh = await settled(tab);
    assert.equal(fresh.architecture, '784-1024-784 relu');
    assert.equal(fresh.latentDim, 1024);
    assert.match(fresh.identityTrap, /^A code of 1024 numbers is as wide as the 784 pixels or wider/);
    const trained = await api(tab, 'step', 40);
    assert.ok(trained.testLoss < fresh.testLoss - 0.2, `test loss ${fresh.testLoss} -> ${trained.testLoss}`);
    await drawWithMouse(tab, THREE);
    const map = await api(tab, 'map');
    assert.equal(map.points.length, 2000);
    assert.ok(map.explained > 0.05 && map.explained < 1, `explained ${map.explained}`);
    assert.ok(map.drawing, 'the drawing is on the map');
    const near = await api(tab, 'neighbours');
    assert.equal(near.length, 5);
    assert.ok(near.every((n, i) => i === 0 || n.distance >= near[i - 1].distance), 'nearest first');
    const sliders = await api(tab, 'sliders');
    assert.equal(sliders.code.length, 1024);
    assert.equal(sliders.image.length, 784);
    // The sliders' list scrolls: the tab shows the first units, not all 1,024 at once, and frames stay short.
    await api(tab, 'selectTab', 'sliders');
    await tab.frames(3);
    const t0 = Date.now();
    await tab.frames(30);
    const perFrame = (Date.now() - t0) / 30;
    assert.ok(perFrame < 50, `${perFrame.toFixed(1)} ms a frame on the sliders tab`);
    // Back to a narrow code: no note.
    await api(tab, 'apply', { latent: 32 });
    assert.equal((await settled(tab)).identityTrap, '');
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });
});
