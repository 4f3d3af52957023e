// The Network tab, in each tested browser: the model drawn as blocks from the input to the reconstruction, each
// showing its layer's output; it follows a stroke, shows a unit's weights on hover (desktop) or tap (phone), and
// runs top to bottom on a phone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THREE, api, controls, drawWithMouse, forEachBrowser, loadApp, resultPath, settled } from './helpers.mjs';

const centre = (r) => [r.x + r.width / 2, r.y + r.height / 2];
const codeBlock = (n) => n.blocks.findIndex((b) => b.code);

forEachBrowser('the network view', (session) => {
  test('draws the model, follows a stroke, and shows a unit on hover', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    await api(tab, 'selectTab', 'network');
    const before = await api(tab, 'network');
    assert.equal(before.source, 'test digit 0');
    assert.deepEqual(before.blocks.map((b) => `${b.title} ${b.shape}`), ['Input 28 x 28', 'Dense, ReLU 32', 'Output, sigmoid 28 x 28']);
    const k = codeBlock(before);
    assert.equal(k, 1);
    await drawWithMouse(tab, THREE);
    const after = await api(tab, 'network');
    assert.equal(after.source, 'drawing');
    const latent = await api(tab, 'latent');
    after.blocks[k].values.forEach((v, u) => assert.ok(Math.abs(v - latent[u]) < 1e-4, `unit ${u}: ${v} against ${latent[u]}`));
    assert.notDeepEqual(after.blocks[k].values, before.blocks[k].values);
    const input = await api(tab, 'input');
    assert.deepEqual(after.blocks[0].values.map((v) => Math.round(v * 1e4)), Array.from(input, (v) => Math.round(v * 1e4)));
    // Left to right, on screen, the code the narrowest.
    const c = await controls(tab);
    const rects = after.blocks.map((_, i) => c[`network:block:${i}`]);
    rects.forEach((r, i) => assert.ok(r && r.width > 20 && r.y > 0 && r.y + r.height < 900, `block ${i}: ${JSON.stringify(r)}`));
    for (let i = 1; i < rects.length; i++) assert.ok(rects[i].x > rects[i - 1].x + rects[i - 1].width, `block ${i} after ${i - 1}`);
    assert.ok(rects[k].height < Math.min(rects[0].height, rects[2].height), 'the code is the narrowest');
    // Hovering a code unit shows it.
    await tab.mouse.move(...centre(rects[k]));
    await tab.frames(3);
    const hovered = (await api(tab, 'network')).hovered;
    assert.ok(hovered && hovered.block === k && hovered.index >= 0 && hovered.index < 32, JSON.stringify(hovered));
    await tab.screenshot(resultPath(`${tab.browser}-network.png`));
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });

  test('on a phone it runs top to bottom, and a tap shows a unit', async () => {
    const tab = await session().open({ width: 390, height: 844, scale: 3, touch: true });
    await loadApp(session(), tab);
    await api(tab, 'selectTab', 'network');
    await api(tab, 'network');
    const scrollBy = async (dy) => {
      const n = Math.max(2, Math.ceil(Math.abs(dy) / 40));
      const from = dy > 0 ? 800 : 100;
      await tab.stroke(Array.from({ length: n + 1 }, (_, i) => [385, from - (dy * i) / n]), { kind: 'touch' });
      await tab.frames(3);
    };
    let diagram = null;
    for (let tries = 0; tries < 12; tries++) {
      await tab.frames(2);
      diagram = (await controls(tab))['network:diagram'];
      if (diagram && diagram.height > 0 && diagram.y > 40 && diagram.y + diagram.height < 820) break;
      await scrollBy(diagram && diagram.height > 0 ? Math.max(-400, Math.min(400, diagram.y - 120)) : 300);
    }
    assert.ok(diagram && diagram.y > 40 && diagram.y + diagram.height < 820, `the diagram on screen: ${JSON.stringify(diagram)}`);
    const n = await api(tab, 'network');
    const k = codeBlock(n);
    const code = await settled(tab, `network:block:${k}`);
    const c = await controls(tab);
    for (let i = 1; i < n.blocks.length; i++) {
      assert.ok(c[`network:block:${i}`].y > c[`network:block:${i - 1}`].y + c[`network:block:${i - 1}`].height, `block ${i} below ${i - 1}`);
    }
    const [x, y] = centre(code);
    await tab.stroke([[x, y], [x, y]], { kind: 'touch' });
    await tab.frames(3);
    const tapped = (await api(tab, 'network')).hovered;
    assert.ok(tapped && tapped.block === k, `a tap on the code: ${JSON.stringify(tapped)}`);
    await tab.screenshot(resultPath(`${tab.browser}-network-phone.png`));
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });
});
