// A screenshot tour of the page, for looking at it as a person would (not a test: it asserts nothing).
//
//   cd tests/browser && xvfb-run -a -s "-screen 0 1920x1200x24" node screens.mjs [size ...]
//
// Sizes: 1280x800, 1440x900, 1920x1080, 1440x900@2 (devicePixelRatio 2) and phone (390 x 844, touch,
// devicePixelRatio 3); the default is all of them. LATENT_BROWSERS picks the browsers, as for the tests. Wide
// sizes get one picture per view tab; the phone gets one per screenful, scrolled with a finger in the page's
// right margin. Pictures go to build/test-results/screens/<browser>-<size>-<what>.png.
import fs from 'node:fs';
import path from 'node:path';
import { BROWSERS, launch } from './browsers.mjs';
import { THREE, drawWithMouse, loadApp, pageRoot, repo } from './helpers.mjs';

const SIZES = {
  '1280x800': { width: 1280, height: 800 },
  '1440x900': { width: 1440, height: 900 },
  '1920x1080': { width: 1920, height: 1080 },
  '1440x900@2': { width: 1440, height: 900, scale: 2 },
  phone: { width: 390, height: 844, scale: 3, touch: true },
};
const TABS = ['digits', 'map', 'sliders', 'morph', 'units', 'network'];
const out = path.join(repo, 'build', 'test-results', 'screens');
fs.mkdirSync(out, { recursive: true });

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SIZES);
for (const name of wanted) if (!SIZES[name]) throw new Error(`unknown size '${name}' (${Object.keys(SIZES).join(', ')})`);

const selectTab = (tab, view) => tab.evaluate((v) => window.latentCanvas.selectTab(v), view);

for (const browser of BROWSERS) {
  const session = await launch(browser, { root: pageRoot });
  try {
    for (const size of wanted) {
      const tab = await session.open(SIZES[size]);
      await loadApp(session, tab);
      const shot = async (what) => {
        const file = path.join(out, `${browser}-${size}-${what}.png`);
        await tab.frames(3);
        await tab.screenshot(file);
        console.log(file);
        return fs.readFileSync(file);
      };
      if (!SIZES[size].touch) {
        await drawWithMouse(tab, THREE);
        await tab.waitFor(() => window.latentCanvas.state().explorerWeightsCurrent, null, 20000);
        for (const view of TABS) {
          await selectTab(tab, view);
          await shot(view);
        }
        // Each variant after a few seconds of training, on the Digits tab.
        await selectTab(tab, 'digits');
        for (const settings of [{ variant: 'denoising' }, { variant: 'sparse' }, { variant: 'vae', latent: 2, hidden: [256] }]) {
          await tab.evaluate((s) => window.latentCanvas.apply(s), settings);
          await tab.evaluate(() => window.latentCanvas.setTraining(true));
          await new Promise((done) => setTimeout(done, 6000));
          await tab.evaluate(() => window.latentCanvas.setTraining(false));
          await shot(`variant-${settings.variant}`);
        }
      } else {
        const r = await tab.evaluate(() => window.latentCanvas.canvasRect());
        const points = THREE.map((s) => s.map(([u, v]) => [r.x + u * r.width, r.y + v * r.height]));
        for (const s of points) await tab.stroke(s, { kind: 'touch' });
        await tab.waitFor(() => window.latentCanvas.state().explorerWeightsCurrent, null, 20000);
        let previous = null;
        for (let i = 0; i < 12; i++) {
          const picture = await shot(`screen${String(i).padStart(2, '0')}`);
          if (previous && picture.equals(previous)) break;
          previous = picture;
          const n = 16;
          await tab.stroke(Array.from({ length: n + 1 }, (_, k) => [385, 780 - (480 * k) / n]), { kind: 'touch' });
        }
      }
      await tab.close();
    }
  } finally {
    await session.close();
  }
}
