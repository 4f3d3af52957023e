// Taps on a 390 x 844 touch phone: every tap on a tab opens it, 12 taps on each of the six tabs, in both browsers.
// A tap reaches the page as a press and a release together (web/main.js sends both to ImGui at once, lc_touch); the
// interface gives them to ImGui in two frames of their own (src/platform/imgui_mouse.cpp), so a tap cannot be lost
// between frames. Each tap is made where the tab is drawn now (read after the layout has settled, as a finger aims
// at what it sees), and must open its tab within a few frames.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBrowser, loadApp, settled, state } from './helpers.mjs';

const TABS = ['digits', 'map', 'sliders', 'morph', 'units', 'network'];
const TAPS_PER_TAB = 12;  // 72 taps in all; 20 each took 90 s in Chromium in the 2026-12-06 rehearsal
const centre = (r) => [r.x + r.width / 2, r.y + r.height / 2];

forEachBrowser('taps on a phone', (session) => {
  test(`a tap opens its tab every time (${TAPS_PER_TAB} taps on each of the six tabs)`, async (t) => {
    const tab = await session().open({ width: 390, height: 844, scale: 3, touch: true });
    await loadApp(session(), tab);
    await tab.waitFor(() => window.latentCanvas.state().explorerWeightsCurrent, null, 20000);
    assert.ok((await state(tab)).narrow, 'the phone layout');
    // The tabs into the middle of the screen: a finger's drag in the page's right margin scrolls the page.
    const bar = await settled(tab, 'tab:map');
    if (bar.y > 600) {
      const dy = bar.y - 300;
      const n = Math.ceil(dy / 40);
      await tab.stroke(Array.from({ length: n + 1 }, (_, i) => [385, 800 - (dy * i) / n]), { kind: 'touch' });
      await tab.frames(3);
    }
    const waited = [];
    for (let k = 0; k < TAPS_PER_TAB * TABS.length; k++) {
      const index = (k + 1) % TABS.length;  // each tap opens another tab than the one showing
      const r = await settled(tab, `tab:${TABS[index]}`);
      assert.ok(r.y > 0 && r.y + r.height < 844, `tab:${TABS[index]} on screen: ${JSON.stringify(r)}`);
      await tab.stroke([centre(r), centre(r)], { kind: 'touch' });
      let frames = 0;
      while ((await state(tab)).tab !== index && frames < 15) {
        await tab.frames(1);
        frames++;
      }
      assert.equal((await state(tab)).tab, index, `tap ${k + 1} on ${TABS[index]} (at ${centre(r).map(Math.round)}) did not open it`);
      waited.push(frames);
    }
    const most = Math.max(...waited);
    t.diagnostic(`${waited.length} taps, each opened its tab; frames waited: at most ${most}, ` +
      `${waited.filter((f) => f <= 2).length} within two`);
    await tab.close();
  });
});
