#!/usr/bin/env node
// Makes docs/screenshot.png for the README: the built page in headless Chromium with a "3" drawn and a few
// seconds of training on top of the pretrained weights, paused.
//   node scripts/screenshot.mjs [out.png]
import path from 'node:path';
import { launch, loadApp, openPage, repo } from '../tests/browser/helpers.mjs';

const out = process.argv[2] || path.join(repo, 'docs', 'screenshot.png');
const session = await launch();
try {
  const { page } = await openPage(session, { width: 1440, height: 900 });
  await loadApp(session, page);
  const r = await page.evaluate(() => window.latentCanvas.canvasRect());
  const arc = (cx, cy, radius, from, to) => Array.from({ length: 25 }, (_, i) => {
    const a = from + ((to - from) * i) / 24;
    return [r.x + (cx + radius * Math.cos(a)) * r.width, r.y + (cy + radius * Math.sin(a)) * r.height];
  });
  for (const stroke of [arc(0.47, 0.31, 0.16, -2.6, 1.5), arc(0.47, 0.62, 0.18, -1.5, 2.6)]) {
    await page.mouse.move(...stroke[0]);
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...p, { steps: 3 });
    await page.mouse.up();
  }
  await page.evaluate(() => window.latentCanvas.setTraining(true));
  await page.waitForFunction(() => window.latentCanvas.state().epoch >= 6, null, { timeout: 60000 });
  await page.evaluate(() => window.latentCanvas.setTraining(false));
  await page.mouse.move(5, 5);
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await session.close();
}
