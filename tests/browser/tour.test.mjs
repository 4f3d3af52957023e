// The guided tour, in each tested browser: it opens on a first visit, walks with the keyboard (Next is focused;
// Right, Left, Enter, Escape) and by touch on a phone, says when a step's action is done, points at what it talks
// about, is remembered once closed, and the interface's Tour button brings it back. Its words are DOM text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THREE, api, drawWithMouse, forEachBrowser, loadApp, press, resultPath } from './helpers.mjs';

const tourText = (tab) => tab.evaluate(() => ({
  title: document.getElementById('tour-title').textContent,
  text: document.getElementById('tour-text').textContent,
  focused: document.activeElement?.id ?? null,
}));
const box = (tab, id) => tab.evaluate((i) => { const r = document.getElementById(i).getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }, id);

forEachBrowser('the guided tour', (session) => {
  test('opens on a first visit and walks with the keyboard', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab, 60000, '', { firstVisit: true });
    let t = await api(tab, 'tour');
    assert.deepEqual([t.open, t.step, t.steps, t.seen], [true, 1, 8, false]);
    assert.equal(await tab.visible('#tour'), true);
    const first = await tourText(tab);
    assert.equal(first.title, 'Squeeze, then rebuild');
    assert.match(first.text, /decoder has to rebuild the whole image from that code alone/);
    assert.equal(first.focused, 'tour-next', 'Next has the keyboard');
    await tab.keys('ArrowRight');
    assert.equal((await api(tab, 'tour')).step, 2);
    assert.equal((await api(tab, 'tour')).done, false);
    // Step 2 asks for a drawing, and points at the drawing area (once the ring has moved there: 0.2 s).
    await new Promise((go) => setTimeout(go, 700));
    const ring = await box(tab, 'tour-ring'), canvas = await api(tab, 'canvasRect');
    const around = (a0, a1, b0, b1) => a0 <= b0 && a1 >= b1 && b0 - a0 <= 14 && a1 - b1 <= 14;
    assert.ok(around(ring.x, ring.x + ring.width, canvas.x, canvas.x + canvas.width) &&
      around(ring.y, ring.y + ring.height, canvas.y, canvas.y + canvas.height), `ring ${JSON.stringify(ring)} around ${JSON.stringify(canvas)}`);
    await drawWithMouse(tab, THREE);
    assert.equal((await api(tab, 'tour')).done, true, 'drawing does what step 2 asks');
    await tab.page.focus('#tour-next');
    await tab.keys('Enter');
    assert.equal((await api(tab, 'tour')).step, 3);
    await tab.keys('ArrowLeft');
    assert.equal((await api(tab, 'tour')).step, 2);
    await tab.screenshot(resultPath(`${tab.browser}-tour.png`));
    await tab.keys('Escape');
    t = await api(tab, 'tour');
    assert.deepEqual([t.open, t.seen], [false, true]);
    assert.equal(await tab.visible('#tour'), false);
    // Remembered: a second visit opens without it; the Tour button brings it back at step 1.
    await loadApp(session(), tab, 60000, '', { firstVisit: true });
    assert.equal((await api(tab, 'tour')).open, false);
    await press(tab, 'button:tour');
    t = await api(tab, 'tour');
    assert.deepEqual([t.open, t.step], [true, 1]);
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });

  test('on a phone: across the bottom, walked by touch', async () => {
    const tab = await session().open({ width: 390, height: 844, scale: 3, touch: true });
    await loadApp(session(), tab, 60000, '', { firstVisit: true });
    const panel = await box(tab, 'tour');
    assert.ok(panel.x >= 0 && panel.x + panel.width <= 390 && panel.y > 844 * 0.4 && panel.y + panel.height <= 844, `panel ${JSON.stringify(panel)}`);
    const tap = async (id) => {
      const b = await box(tab, id);
      assert.ok(b.height >= 40 && b.y + b.height <= 844 - 8, `${id} is a touch-sized target on screen: ${JSON.stringify(b)}`);
      const at = [b.x + b.width / 2, b.y + b.height / 2];
      await tab.stroke([at, at], { kind: 'touch' });
      await tab.frames(2);
    };
    for (let k = 2; k <= 8; k++) {
      await tap('tour-next');
      assert.equal((await api(tab, 'tour')).step, k);
    }
    await tab.screenshot(resultPath(`${tab.browser}-tour-phone.png`));
    await tap('tour-next');  // Finish
    assert.deepEqual([(await api(tab, 'tour')).open, (await api(tab, 'tour')).seen], [false, true]);
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });
});
