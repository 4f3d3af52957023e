#!/usr/bin/env node
// Makes docs/screenshot.png for the README (and any other view of the page): the built page with a "3" drawn
// and a few seconds of training on top of the pretrained weights, paused.
//   node scripts/screenshot.mjs [--browser chromium|firefox] [--width 1440] [--height 900] [--scale 1] [--touch]
//                               [--epochs 6] [--pretrained dense|conv] [--tab network] [--map pca|tsne]
//                               [--hover X,Y] [--link "#embed=draw,map&controls=none"] [out.png]
// --tab opens a view's tab, --map picks the Map's method (waiting for t-SNE to settle), --hover rests the mouse at
// a point (CSS pixels) for its tooltip, --link gives the address its settings (an embedded view).
// Firefox needs an X display (xvfb-run -a node scripts/screenshot.mjs --browser firefox).
import path from 'node:path';
import { launch } from '../tests/browser/browsers.mjs';
import { THREE, canvasRect, loadApp, pageRoot, repo, toPage } from '../tests/browser/helpers.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args.splice(i, 1), true) : false;
};
const browser = option('--browser', 'chromium');
const width = Number(option('--width', 1440)), height = Number(option('--height', 900));
const scale = Number(option('--scale', 1)), epochs = Number(option('--epochs', 6));
const touch = flag('--touch');
const pretrained = option('--pretrained', null), tabName = option('--tab', null), mapMethod = option('--map', null);
const hover = option('--hover', null);
const link = option('--link', '');  // settings for the address, e.g. '#embed=draw,map&controls=none'
const out = args[0] || path.join(repo, 'docs', 'screenshot.png');

const session = await launch(browser, { root: pageRoot });
try {
  const tab = await session.open({ width, height, scale, touch });
  await loadApp(session, tab, 60000, link);
  if (pretrained) await tab.evaluate((m) => window.latentCanvas.usePretrained(m), pretrained);
  const r = await canvasRect(tab);
  if (r.width > 0) for (const stroke of THREE) await tab.stroke(toPage(r, stroke), { kind: touch ? 'touch' : 'mouse' });
  if (epochs > 0) {
    await tab.evaluate(() => window.latentCanvas.setTraining(true));
    await tab.waitFor((n) => window.latentCanvas.state().epoch >= n, epochs, 120000);
    await tab.evaluate(() => window.latentCanvas.setTraining(false));
  }
  if (tabName) await tab.evaluate((t) => window.latentCanvas.selectTab(t), tabName);
  // The views brought up to date (map() completes the explorer's pass), and the Map's method picked.
  await tab.evaluate((m) => window.latentCanvas.map(m ? { method: m } : {}), mapMethod);
  if (hover) await tab.mouse.move(...hover.split(',').map(Number));
  else if (!touch) await tab.mouse.move(5, 5);
  await tab.frames(10);
  await tab.screenshot(out);
  console.log(`wrote ${out}`);
} finally {
  await session.close();
}
