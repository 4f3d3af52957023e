// The latent views, driven with real mouse events in each browser and with touch on a 390 x 844 phone: the map
// (hover, click to select, drag to decode), sliders, interpolation, the units, the drawing's neighbours and how
// unusual it is; what the script API reports; and a screenshot of each view at 1440 x 900 and 390 x 844, listed
// in the test output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  THREE, api, canvasRect, controls, cosine, drawWithMouse, forEachBrowser, loadApp, resultPath, settled, state, toPage,
} from './helpers.mjs';

const TABS = ['digits', 'map', 'sliders', 'morph', 'units', 'network'];
const centre = (r) => [r.x + r.width / 2, r.y + r.height / 2];
async function click(tab, [x, y]) {
  await tab.mouse.move(x, y);
  await tab.frames(1);
  await tab.mouse.down();
  await tab.mouse.up();
  await tab.frames(2);
}
const current = (tab) => tab.waitFor(() => window.latentCanvas.state().explorerWeightsCurrent, null, 20000);

// Each tab in turn: nothing in any panel reaches past the window's right edge, and a screenshot.
async function screenshots(t, tab, label) {
  const width = await tab.evaluate(() => window.innerWidth);
  for (const name of TABS) {
    await api(tab, 'selectTab', name);
    await tab.frames(3);
    const s = await state(tab);
    assert.equal(s.tab, TABS.indexOf(name));
    assert.ok(s.contentRight <= width, `with the ${name} tab open, items reach ${s.contentRight} px of ${width}`);
    const file = resultPath(`view-${name}-${label}-${tab.browser}.png`);
    await tab.screenshot(file);
    t.diagnostic(`screenshot: ${file}`);
  }
}

forEachBrowser('the latent views', (session) => {
  test('the map: every test digit, clustered by label, the drawing on it; click selects, drag decodes', async (t) => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await drawWithMouse(tab, THREE);
    await current(tab);
    await api(tab, 'selectTab', 'map');
    await tab.frames(3);
    const map = await api(tab, 'map');
    assert.equal(map.points.length, 2000);
    assert.deepEqual([...new Set(map.points.map((p) => p.label))].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(map.drawing && Number.isFinite(map.drawing.x) && Number.isFinite(map.drawing.y), 'the drawing is on the map');
    // Labels cluster: the nearest class centre (in the map's plane) is the point's own label far above chance.
    const centres = Array.from({ length: 10 }, (_, d) => {
      const mine = map.points.filter((p) => p.label === d);
      return [mine.reduce((s, p) => s + p.x, 0) / mine.length, mine.reduce((s, p) => s + p.y, 0) / mine.length];
    });
    const hits = map.points.filter((p) => {
      const d = centres.map(([x, y]) => Math.hypot(p.x - x, p.y - y));
      return d.indexOf(Math.min(...d)) === p.label;
    }).length;
    assert.ok(hits / 2000 > 0.25, `nearest-centre accuracy on the map ${hits / 2000} (chance is 0.1)`);

    // Click the most isolated point: the map selects it, and the sliders take its code.
    const { rect, extent } = map;
    const toScreen = (p) => [rect.x + ((p.x - extent[0]) / (extent[2] - extent[0])) * rect.width,
      rect.y + ((extent[3] - p.y) / (extent[3] - extent[1])) * rect.height];
    const inside = map.points.filter((p) => { const [x, y] = toScreen(p); return x > rect.x + 8 && x < rect.x + rect.width - 8 && y > rect.y + 8 && y < rect.y + rect.height - 8; });
    let lonely = inside[0], best = 0;
    for (const p of inside.slice(0, 400)) {
      const [x, y] = toScreen(p);
      const near = Math.min(...inside.filter((q) => q !== p).map((q) => { const [a, b] = toScreen(q); return Math.hypot(a - x, b - y); }));
      if (near > best) { best = near; lonely = p; }
    }
    const [cx, cy] = toScreen(lonely);
    await tab.mouse.move(cx, cy);
    await tab.frames(2);
    await tab.mouse.down();
    await tab.mouse.up();
    await tab.frames(2);
    assert.equal((await api(tab, 'map')).selected, lonely.index, 'clicking a point selects it');
    assert.equal((await api(tab, 'sliders')).source, `test digit #${lonely.index}`);

    // Drag through empty space at the map's corner: the point under the pointer is decoded.
    await tab.mouse.move(rect.x + 3, rect.y + 3);
    await tab.mouse.down();
    await tab.mouse.move(rect.x + 30, rect.y + 20, 5);
    await tab.frames(2);
    const dragged = await api(tab, 'sliders');
    await tab.mouse.up();
    assert.match(dragged.source, /^map point/);
    assert.equal(dragged.image.length, 784);
    await screenshots(t, tab, '1440x900');
    await tab.close();
  });

  test('sliders, decoding and interpolation follow the codes they are given', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await drawWithMouse(tab, THREE);
    await current(tab);
    const code = await tab.evaluate(() => window.latentCanvas.latent());
    assert.equal(code.length, 32);
    // Decoding the drawing's code gives the drawing's reconstruction.
    const decoded = await api(tab, 'decode', code);
    assert.equal(decoded.length, 784);
    assert.ok(decoded.every((v) => v >= 0 && v <= 1));
    assert.ok(cosine(decoded, await tab.evaluate(() => window.latentCanvas.reconstruction())) > 0.999);
    // setCode moves the sliders (typed arrays are taken too).
    const other = code.map((v, i) => (i % 2 ? v * 0.5 : v + 1));
    const set = await tab.evaluate((o) => window.latentCanvas.setCode(new Float32Array(o)), other);
    set.forEach((v, i) => assert.ok(Math.abs(v - other[i]) < 1e-5));
    assert.deepEqual((await api(tab, 'sliders')).code, set);
    // Interpolation: the ends are the two codes' decodings.
    const images = await api(tab, 'interpolate', code, other, 10);
    assert.equal(images.length, 10);
    assert.ok(cosine(images[0], decoded) > 0.999);
    assert.ok(cosine(images[9], await api(tab, 'decode', other)) > 0.999);
    assert.ok(cosine(images[0], images[9]) < cosine(images[0], images[1]), 'the strip moves away from its start');
    // Refused requests say why.
    await assert.rejects(tab.evaluate(() => window.latentCanvas.setCode([1, 2, 3])), /values has 3 values; the code has 32/);
    await assert.rejects(tab.evaluate(() => window.latentCanvas.decode(null)), /must be an array of 32 numbers/);
    await assert.rejects(tab.evaluate((c) => window.latentCanvas.interpolate(c, c, 1), code), /steps must be a whole number/);
    await assert.rejects(tab.evaluate(() => window.latentCanvas.unitImages('middle')), /say 'encoder' or 'decoder'/);
    await tab.close();
  });

  test('tabs, sliders and the morph slider with the mouse', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await drawWithMouse(tab, THREE);
    await current(tab);
    await tab.frames(2);
    await click(tab, centre((await controls(tab))['tab:sliders']));
    assert.equal((await state(tab)).tab, 2, 'clicking the Sliders tab opens it');
    await tab.frames(2);
    const unit = (await controls(tab))['slider:unit0'];
    const before = await api(tab, 'sliders');
    await tab.mouse.move(unit.x + 4, unit.y + unit.height / 2);
    await tab.mouse.down();
    await tab.mouse.move(unit.x + unit.width - 4, unit.y + unit.height / 2, 5);
    await tab.mouse.up();
    await tab.frames(2);
    const after = await api(tab, 'sliders');
    assert.equal(after.source, 'set by hand');
    assert.ok(after.code[0] > before.code[0], `unit 0 from ${before.code[0]} to ${after.code[0]}`);
    assert.deepEqual(after.code.slice(1), before.code.slice(1));
    assert.ok(cosine(after.image, before.image) < 0.9999, 'the decoded image follows the slider');

    await click(tab, centre((await controls(tab))['tab:morph']));
    assert.equal((await state(tab)).tab, 3);
    await tab.frames(2);
    const morph = (await controls(tab))['slider:morph'];
    await click(tab, [morph.x + 3, morph.y + morph.height / 2]);  // the left end: the drawing
    const start = await api(tab, 'sliders');
    assert.ok(start.morph < 0.05, `morph at ${start.morph}`);
    const drawn = await tab.evaluate(() => window.latentCanvas.reconstruction());
    assert.ok(cosine(start.morphImage, drawn) > 0.99, 'morph 0 is the drawing');
    await tab.close();
  });

  test('dialogs: Escape keeps the model, Enter confirms', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await tab.evaluate(() => window.latentCanvas.reset(4));
    await tab.evaluate(() => window.latentCanvas.setTraining(true));
    await tab.waitFor(() => window.latentCanvas.state().step > 5, null, 20000);
    await tab.evaluate(() => window.latentCanvas.setTraining(false));
    await tab.frames(2);
    // Pretrained is a menu (dense, convolutional); choosing one over a model trained here asks first.
    const choosePretrained = async () => {
      await click(tab, centre((await controls(tab))['button:pretrained']));
      await tab.frames(3);
      await click(tab, centre((await controls(tab))['menu:pretrained-dense']));
      await tab.frames(3);
    };
    await choosePretrained();
    await tab.keys('Escape');
    await tab.frames(3);
    assert.match((await state(tab)).origin, /^random weights/, 'Escape cancels');
    await choosePretrained();
    await tab.keys('Enter');
    await tab.waitFor(() => window.latentCanvas.state().origin.startsWith('pretrained'), null, 5000);
    await tab.close();
  });

  test('a model that stalls is explained on the page', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    // The example: latent 2, hidden 256,128, tanh sticks at BCE 0.265 with every code near one point.
    await tab.evaluate(() => window.latentCanvas.apply({ latent: 2, hidden: [256, 128], activation: 'tanh', seed: 1 }));
    await tab.evaluate(() => window.latentCanvas.setTraining(true));
    await tab.waitFor(() => window.latentCanvas.state().epoch >= 6, null, 120000);
    await tab.evaluate(() => window.latentCanvas.setTraining(false));
    await current(tab);
    const d = await api(tab, 'diagnosis');
    assert.ok(d.stalled || d.collapsed, JSON.stringify(d));
    assert.match(d.message, /relu instead of tanh/);
    await tab.close();
  });

  test('neighbours, unusualness and the units: a drawn 3 is near 3s, a scribble is unusual, units change as it trains', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await drawWithMouse(tab, THREE);
    await current(tab);
    const near = await api(tab, 'neighbours');
    assert.equal(near.length, 5);
    for (let i = 1; i < 5; i++) assert.ok(near[i].distance >= near[i - 1].distance);
    assert.ok(near.filter((n) => n.label === 3).length >= 3, `neighbours of a 3: ${JSON.stringify(near)}`);
    const three = await api(tab, 'unusualness');
    assert.ok(three.percentile >= 0 && three.percentile <= 100);

    await tab.evaluate(() => window.latentCanvas.clearCanvas());
    const zigzag = Array.from({ length: 9 }, (_, i) => [0.1 + 0.1 * i, i % 2 ? 0.15 : 0.85]);
    await drawWithMouse(tab, [zigzag, [[0.1, 0.5], [0.9, 0.5]]]);
    await current(tab);
    const scribble = await api(tab, 'unusualness');
    assert.ok(scribble.percentile > three.percentile && scribble.percentile > 90, `${JSON.stringify(scribble)} vs ${JSON.stringify(three)}`);

    const before = await api(tab, 'unitImages', 'encoder');
    assert.equal(before.length, 32);
    assert.equal(before[0].length, 784);
    assert.equal((await api(tab, 'unitImages', 'decoder')).length, 32);
    await tab.evaluate(() => window.latentCanvas.setTraining(true));
    await tab.waitFor(() => window.latentCanvas.state().step > 40, null, 30000);
    await tab.evaluate(() => window.latentCanvas.setTraining(false));
    const after = await api(tab, 'unitImages', 'encoder');
    assert.ok(after[0].some((v, i) => v !== before[0][i]), 'the encoder units follow training');
    await tab.close();
  });

  test('the keyboard: Tab shows a focus and reaches Train, Enter and Space press it, Delete clears, Ctrl+Z undoes', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await tab.evaluate(() => document.getElementById('canvas').focus());
    assert.equal((await state(tab)).keyboardFocus, false);
    await tab.keys('Tab');  // the first control: Train
    await tab.frames(3);
    assert.equal((await state(tab)).keyboardFocus, true, 'Tab shows where the focus is');
    await tab.keys('Enter');
    await tab.waitFor(() => window.latentCanvas.state().training, null, 5000);
    await tab.frames(2);
    await tab.keys('Enter');  // the same button now says Pause
    await tab.waitFor(() => !window.latentCanvas.state().training, null, 5000);
    await tab.keys('Tab');
    await tab.frames(2);
    await tab.keys('Shift+Tab');  // and back
    await tab.frames(2);
    await tab.keys(' ');
    await tab.waitFor(() => window.latentCanvas.state().training, null, 5000);
    await tab.evaluate(() => window.latentCanvas.setTraining(false));

    await drawWithMouse(tab, THREE);
    assert.equal((await state(tab)).strokes, 2);
    // Keys reach the interface one change a frame: wait for the effect rather than a number of frames.
    const strokes = (n, why) => tab.waitFor((m) => window.latentCanvas.state().strokes === m, n, 5000)
      .catch(async () => assert.fail(`${why}: ${(await state(tab)).strokes} strokes, expected ${n}`));
    await tab.keys('Delete');
    await strokes(0, 'Delete clears the drawing');
    await tab.keys('Control+z');
    await strokes(2, 'Ctrl+Z brings it back');
    await tab.keys('Control+z');
    await strokes(1, 'Ctrl+Z undoes a stroke');
    await tab.close();
  });

  test('a phone (390 x 844, touch): a wide drawing area, touch-sized controls, drawing never scrolls, dragging elsewhere scrolls', async (t) => {
    const tab = await session().open({ width: 390, height: 844, scale: 3, touch: true });
    await loadApp(session(), tab);
    const s = await state(tab);
    assert.ok(s.narrow, 'one column');
    assert.ok(s.buttonHeight >= 40, `buttons are ${s.buttonHeight} px high`);
    assert.ok(s.contentRight <= 390, `content reaches ${s.contentRight} px of 390`);
    const r = await canvasRect(tab);
    assert.ok(r.width >= 0.7 * 390, `drawing area ${r.width} px wide`);

    // A touch stroke inside the drawing area draws, and the page does not move.
    await tab.stroke(toPage(r, [[0.5, 0.15], [0.5, 0.4], [0.5, 0.6], [0.5, 0.85]]), { kind: 'touch' });
    await tab.frames(3);
    assert.equal((await state(tab)).strokes, 1);
    assert.equal((await canvasRect(tab)).y, r.y, 'drawing scrolled the page');

    // A vertical drag below the drawing scrolls by the finger's travel; a drag back returns.
    const x = r.x + r.width - 4;
    const up = Array.from({ length: 9 }, (_, i) => [x, 820 - 40 * i]);
    await tab.stroke(up, { kind: 'touch' });
    await tab.frames(3);
    const scrolled = await canvasRect(tab);
    assert.ok(scrolled.y < r.y - 200, `scrolled from ${r.y} to ${scrolled.y}`);
    assert.equal((await state(tab)).strokes, 1, 'scrolling drew');

    // A tap on a tab opens it; a sideways drag on a slider moves it (scrolled into view first).
    await tab.waitFor(() => window.latentCanvas.state().explorerWeightsCurrent, null, 20000);
    // A vertical finger drag in the page's right margin, outside every panel: it scrolls the page (a drag inside
    // a scrolling list, such as the sliders, scrolls that list).
    const margin = 390 - 5;
    const scrollBy = async (dy) => {
      const n = Math.max(2, Math.ceil(Math.abs(dy) / 40));
      const from = dy > 0 ? 800 : 100;
      await tab.stroke(Array.from({ length: n + 1 }, (_, i) => [margin, from - (dy * i) / n]), { kind: 'touch' });
      await tab.frames(3);
    };
    let tabs = await controls(tab);
    if (tabs['tab:sliders'].y > 700) await scrollBy(tabs['tab:sliders'].y - 300);
    // Aimed where the tab is once the scroll has settled (tap.test.mjs taps every tab 20 times this way).
    const sliders = await settled(tab, 'tab:sliders');
    await tab.stroke([centre(sliders), centre(sliders)], { kind: 'touch' });
    await tab.frames(3);
    assert.equal((await state(tab)).tab, 2, 'a tap opens the Sliders tab');
    await tab.frames(2);
    // Scrolled in steps, each aimed from where the row has settled (a drag's scroll can carry on a little).
    let unit = await settled(tab, 'slider:unit0');
    for (let tries = 0; tries < 6 && !(unit.y > 0 && unit.y + unit.height < 844); tries++) {
      await scrollBy(Math.max(-400, Math.min(400, unit.y - 400)));
      unit = await settled(tab, 'slider:unit0');
    }
    assert.ok(unit.y > 0 && unit.y + unit.height < 844, `slider in view: ${JSON.stringify(unit)}`);
    const before = await api(tab, 'sliders');
    const y = unit.y + unit.height / 2;
    await tab.stroke(Array.from({ length: 8 }, (_, i) => [unit.x + 6 + (i * (unit.width - 12)) / 7, y]), { kind: 'touch' });
    await tab.frames(3);
    const after = await api(tab, 'sliders');
    assert.ok(after.code[0] > before.code[0], `a sideways drag moves the slider: ${before.code[0]} -> ${after.code[0]}`);
    await screenshots(t, tab, '390x844');
    await tab.close();
  });
});
