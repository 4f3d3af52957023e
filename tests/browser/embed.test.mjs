// Embedding (docs/hosting.md, "Embedding"): a lesson page on a second origin (another loopback port, served
// by python3 -m http.server, without isolation headers) embeds the page twice with different embed keys, as a
// course would. Our server allows it with --frame-ancestors (frameAncestors here). In each browser both frames load,
// show only their views, run without threads (their parent is not cross-origin isolated) and say so, and each
// draws a digit and reconstructs it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { THREE, cosine, drag, forEachBrowser, resultPath, startPlainServer, toPage } from './helpers.mjs';

const lessons = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lesson-'));
const lesson = await startPlainServer({ root: lessons });
const lessonOrigin = new URL(lesson.url).origin;
after(async () => {
  await new Promise((done) => lesson.server.close(done));
  fs.rmSync(lessons, { recursive: true, force: true });
});

const FRAMES = [
  // `match`: what its address holds, before and after the page writes its settings into it.
  { id: 'draw', hash: '#embed=draw&controls=none', match: 'embed=draw&', width: 360, height: 360, embed: 'draw', controls: false },
  { id: 'both', hash: '#embed=map,draw', match: 'map', width: 760, height: 420, embed: 'draw,map', controls: true },
];

// Strokes (drawing-area units) drawn in a frame: its drawing area, moved by the iframe's place on the lesson.
async function drawIn(tab, frame, id) {
  const r = await frame.evaluate(() => window.latentCanvas.canvasRect());
  const box = await tab.evaluate((i) => { const b = document.getElementById(i).getBoundingClientRect(); return { x: b.left, y: b.top }; }, id);
  assert.ok(r.width >= 90, `the drawing area is ${r.width} px wide`);
  const rect = { x: r.x + box.x, y: r.y + box.y, width: r.width, height: r.height };
  for (const stroke of THREE) await drag(tab, toPage(rect, stroke), 2);
}

forEachBrowser('embedded in a lesson on another origin', (session) => {
  test('two frames with different views load, draw and reconstruct, without threads', async () => {
    const s = session();
    const policy = (await fetch(s.url)).headers.get('content-security-policy');
    assert.ok(policy.endsWith(`; frame-ancestors ${lessonOrigin}`), policy);
    const tab = await s.open({ width: 1200, height: 900 });
    const frames = FRAMES.map((f) => `<iframe id="${f.id}" src="${s.url}${f.hash}" width="${f.width}" height="${f.height}" title="Latent Canvas: ${f.embed}"></iframe>`);
    const file = `lesson-${tab.browser}.html`;
    fs.writeFileSync(path.join(lessons, file), `<!doctype html><meta charset="utf-8"><title>A lesson</title>
<body style="margin:8px;background:#fff;font:16px sans-serif"><p>Draw a digit, then look at its code on the map.</p>
${frames.join('\n')}</body>`);
    await tab.goto(lesson.url + file);
    for (const f of FRAMES) {
      const frame = await tab.frame(f.match);
      await frame.waitFor(() => window.latentCanvas && (window.latentCanvas.ready || window.latentCanvas.error), null, 120000);
      const st = await frame.evaluate(() => ({ ...window.latentCanvas.state(), error: window.latentCanvas.error, why: window.latentCanvas.threadsUnavailable }));
      assert.equal(st.error, null);
      assert.equal(st.embedded, true);
      assert.equal(st.isolated, false);
      assert.equal(st.embed, f.embed);
      assert.equal(st.controls, f.controls);
      assert.match(st.why, /embedded in one that is not cross-origin isolated/);
      assert.equal(st.autosave.enabled, false, 'an embedded view starts fresh');
      // Only its views: a drawing area, the map where asked for, never the Training panel's buttons.
      const controls = await frame.evaluate(() => Object.keys(window.latentCanvas.controls()));
      assert.ok(!controls.includes('button:train') && !controls.includes('button:save'), controls.join(', '));
      if (f.embed.includes('map')) assert.ok((await frame.evaluate(() => window.latentCanvas.state().tab)) === 1, 'the Map is the tab shown');

      await drawIn(tab, frame, f.id);
      await frame.waitFor(() => { const x = window.latentCanvas.state(); return x.strokes === 2 && x.viewsDrawingRevision === x.drawingRevision; }, null, 30000);
      const [input, reconstruction, code] = await frame.evaluate(() => [window.latentCanvas.input(), window.latentCanvas.reconstruction(), window.latentCanvas.latent()]);
      assert.ok(Math.max(...input) > 0.5, 'the strokes reached the model');
      assert.equal(reconstruction.length, 784);
      assert.ok(cosine(input, reconstruction) > 0.6, `the reconstruction looks like the drawing (cosine ${cosine(input, reconstruction)})`);
      assert.equal(code.length, 32);
    }
    await tab.screenshot(resultPath(`embed-lesson-${tab.browser}.png`));
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });
}, { frameAncestors: lessonOrigin });
