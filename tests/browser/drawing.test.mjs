// Every pointer event reaches the drawing, in each tested browser: a burst of moves arriving within one frame
// draws the same stroke as the same moves one frame apart; the first stroke after the page is ready is whole;
// a stroke may leave the drawing area and come back, and ends where it is released; pens (with pressure) and
// touches draw too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arc, canvasRect, cosine, drag, forEachBrowser, inkStats, loadApp, resultPath, state, toPage } from './helpers.mjs';

const input = (tab) => tab.evaluate(() => window.latentCanvas.input());
const clear = (tab) => tab.evaluate(() => window.latentCanvas.clearCanvas());
const raster = (tab) => tab.evaluate(() => window.latentCanvas.drawingRaster());
// Waits until the browser has handed every event to the page and a frame has been drawn after them.
const settle = async (tab) => {
  await tab.frames(2);
  await tab.waitFor(() => !window.latentCanvas.state().drawing, null, 10000);
};
// Ink (0..255) of the drawing at drawing-area units (u, v), the largest in a 3 x 3 neighbourhood.
function inkAt({ size, pixels }, u, v) {
  const x = Math.round(u * size), y = Math.round(v * size);
  let most = 0;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < size && yy < size) most = Math.max(most, pixels[yy * size + xx]);
    }
  }
  return most;
}
// Rows inked above half coverage in column u: the stroke's thickness there, in drawing pixels.
function thicknessAt({ size, pixels }, u) {
  const x = Math.round(u * size);
  let n = 0;
  for (let y = 0; y < size; y++) n += pixels[y * size + x] > 127 ? 1 : 0;
  return n;
}

// A "C" traced from its top right, round the left, to its bottom right: 41 points. Sampled once a frame it
// would come out as a straight line from the first point to the last.
const C_STROKE = arc(0.56, 0.5, 0.3, -Math.PI / 4, -(7 * Math.PI) / 4, 40);

forEachBrowser('drawing takes every pointer event', (session) => {
  test('a burst of moves within one frame draws the same digit as the same moves one frame apart', async (t) => {
    const tab = await session().open();
    await loadApp(session(), tab);
    const points = toPage(await canvasRect(tab), C_STROKE);

    // Slowly: one trusted mouse move per animation frame.
    await tab.mouse.move(...points[0]);
    await tab.mouse.down();
    for (const p of points.slice(1)) {
      await tab.mouse.move(...p);
      await tab.frames(1);
    }
    await tab.mouse.up();
    await settle(tab);
    const slow = await input(tab);
    assert.equal((await state(tab)).strokePoints, points.length, 'the slow stroke lost points');
    const box = inkStats(slow);
    assert.ok(box.width >= 12, `a C is wide, got ${box.width} x ${box.height} px of ink`);

    // In a burst: synthetic pointer events dispatched in one task, then the real input of the browser's driver
    // sent without waiting (Chromium merges those into one pointermove with coalesced events).
    for (const [how, stroke] of [['synthetic', (p) => tab.syntheticStroke(p)], ['trusted', (p) => tab.stroke(p)]]) {
      await clear(tab);
      const { trusted } = await stroke(points);
      await settle(tab);
      const s = await state(tab);
      assert.equal(s.strokes, 1, `${how} burst`);
      assert.equal(s.strokePoints, points.length, `${how} burst: ${s.strokePoints} of ${points.length} points reached the stroke`);
      const similarity = cosine(slow, await input(tab));
      t.diagnostic(`${how} burst (${trusted ? 'trusted' : 'synthetic'} events): cosine ${similarity.toFixed(4)} with the slow stroke`);
      assert.ok(similarity >= 0.99, `${how} burst: cosine ${similarity.toFixed(4)} with the slow stroke`);
    }
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });

  test('the first stroke right after the page is ready is whole, on 10 fresh loads', async () => {
    // A 7: the bar, then the long diagonal, 12 mouse moves each.
    const seven = [[0.3, 0.25]];
    for (let i = 1; i <= 12; i++) seven.push([0.3 + (0.4 * i) / 12, 0.25]);
    for (let i = 1; i <= 12; i++) seven.push([0.7 - (0.25 * i) / 12, 0.25 + (0.55 * i) / 12]);
    for (let load = 1; load <= 10; load++) {
      const tab = await session().open();
      await loadApp(session(), tab);
      await drag(tab, toPage(await canvasRect(tab), seven));
      await settle(tab);
      const s = await state(tab);
      const ink = inkStats(await input(tab));
      assert.equal(s.strokePoints, seven.length, `load ${load}: ${s.strokePoints} of ${seven.length} points`);
      assert.ok(ink.height >= 19, `load ${load}: the 7's diagonal is missing (ink ${ink.width} x ${ink.height} px)`);
      await tab.close();
    }
  });

  test('a stroke leaves the drawing area, comes back, and ends where it is released', async () => {
    const tab = await session().open();
    await loadApp(session(), tab);
    const r = await canvasRect(tab);
    // In at (0.2, 0.5), up and out over the top edge, along above the area, back down in at u = 0.8.
    const path = [[0.2, 0.5], [0.2, 0.25], [0.2, 0], [0.2, -0.15], [0.5, -0.15], [0.8, -0.15], [0.8, 0], [0.8, 0.25], [0.8, 0.5]];
    await drag(tab, toPage(r, path));
    await settle(tab);
    let s = await state(tab);
    assert.equal(s.strokes, 1);
    assert.equal(s.strokePoints, path.length, 'every point, inside and outside, is part of the stroke');
    let drawing = await raster(tab);
    assert.ok(inkAt(drawing, 0.2, 0.01) > 200, 'inked up to the top edge where it left');
    assert.ok(inkAt(drawing, 0.8, 0.01) > 200, 'inked from the top edge where it came back');
    assert.equal(inkAt(drawing, 0.5, 0.02), 0, 'nothing inked where the stroke ran outside');

    // Pressed inside, released outside: the stroke ends there, and moving back in with no button draws nothing.
    const [a, b, c] = toPage(r, [[0.5, 0.7], [1.3, 0.7], [0.5, 0.9]]);
    await tab.mouse.move(...a);
    await tab.mouse.down();
    await tab.mouse.move(...b, 4);
    await tab.mouse.up();
    await settle(tab);
    s = await state(tab);
    assert.equal(s.strokes, 2);
    assert.equal(s.drawing, false);
    const points = s.strokePoints;
    await tab.mouse.move(...c, 4);
    await settle(tab);
    assert.equal((await state(tab)).strokePoints, points, 'a move after the release outside extended the stroke');
    drawing = await raster(tab);
    assert.ok(inkAt(drawing, 0.99, 0.7) > 200, 'inked up to the right edge');
    assert.equal(inkAt(drawing, 0.5, 0.9), 0);
    await tab.close();
  });

  test('a pen draws with its pressure', async (t) => {
    const tab = await session().open();
    await loadApp(session(), tab);
    const line = Array.from({ length: 31 }, (_, i) => [0.1 + (0.8 * i) / 30, 0.5]);
    const pressures = line.map((_, i) => 0.1 + (0.8 * i) / 30);
    const { trusted } = await tab.stroke(toPage(await canvasRect(tab), line), { kind: 'pen', pressures });
    await settle(tab);
    const s = await state(tab);
    t.diagnostic(`pen stroke from ${trusted ? 'trusted' : 'synthetic (this browser\'s driver has no pen)'} events`);
    assert.equal(s.lastPointerType, 'pen');
    assert.equal(s.strokePoints, line.length);
    const drawing = await raster(tab);
    const light = thicknessAt(drawing, 0.2), firm = thicknessAt(drawing, 0.8);
    t.diagnostic(`thickness ${light} px at pressure 0.2, ${firm} px at 0.8`);
    assert.ok(firm > light * 2, `pressure should widen the stroke: ${light} px light, ${firm} px firm`);
    await tab.close();
  });

  test('a finger draws on a 390 x 844 phone, and the drawing area stays put', async (t) => {
    const tab = await session().open({ width: 390, height: 844, scale: 2, touch: true });
    await loadApp(session(), tab);
    const r = await canvasRect(tab);
    assert.ok(r.x >= 0 && r.x + r.width <= 390, `drawing area ${JSON.stringify(r)} is off the phone's screen`);
    const { trusted } = await tab.stroke(toPage(r, C_STROKE), { kind: 'touch' });
    await settle(tab);
    const s = await state(tab);
    t.diagnostic(`touch stroke from ${trusted ? 'trusted' : 'synthetic'} events`);
    assert.equal(s.lastPointerType, 'touch');
    assert.equal(s.strokes, 1);
    assert.equal(s.strokePoints, C_STROKE.length);
    assert.ok(inkStats(await input(tab)).width >= 12, 'the C came out narrow');
    assert.deepEqual(await canvasRect(tab), r, 'drawing scrolled or moved the drawing area');
    await tab.screenshot(resultPath(`${tab.browser}-phone-touch.png`));
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });
});
