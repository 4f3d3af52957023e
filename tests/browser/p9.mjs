import { launch } from './browsers.mjs';
import { loadApp, pageRoot, drawWithMouse, THREE } from './helpers.mjs';
for (const name of ['chromium', 'firefox']) {
  const s = await launch(name, { root: pageRoot });
  const tab = await s.open();
  await loadApp(s, tab);
  for (const steps of [3, 1]) {
    const t0 = Date.now();
    await drawWithMouse(tab, THREE, steps);
    const dt = Date.now() - t0;
    const st = await tab.evaluate(() => window.latentCanvas.state());
    console.log(name, 'steps', steps, dt, 'ms', 'points', st.strokePoints);
    await tab.evaluate(() => window.latentCanvas.clearCanvas ? window.latentCanvas.clearCanvas() : null);
  }
  await s.close();
}
