// The page's words for screen readers, in each tested browser: the canvas cannot be read, so a polite live region
// says when training starts and stops, each epoch's test loss, and after a stroke the drawing's loss and nearest
// digits; a visually hidden summary names the model. Chromium's accessibility tree is read with Playwright's ARIA
// snapshot before and after drawing and after training; Firefox's through the same elements' roles and text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THREE, api, drawWithMouse, forEachBrowser, loadApp, state } from './helpers.mjs';

const speech = (tab) => tab.evaluate(() => document.getElementById('speech').textContent);
const until = (tab, pattern, timeout = 20000) =>
  tab.waitFor((p) => new RegExp(p).test(document.getElementById('speech').textContent), pattern.source, timeout)
    .catch(async (e) => { throw new Error(`${pattern} never said; the region says ${JSON.stringify(await speech(tab))} (${e.message})`); });
const tree = (tab) => (tab.browser === 'chromium' ? tab.page.locator('body').ariaSnapshot() : null);

forEachBrowser('words for screen readers', (session) => {
  test('the live region speaks after a stroke and about training; the summary names the model', async () => {
    const tab = await session().open({ width: 1440, height: 900 });
    await loadApp(session(), tab);
    const roles = await tab.evaluate(() => ['speech', 'summary'].map((id) => {
      const e = document.getElementById(id);
      return [e.getAttribute('role'), e.getAttribute('aria-live'), e.getAttribute('aria-label'), e.getClientRects()[0]?.width];
    }));
    assert.deepEqual(roles, [['status', 'polite', null, 1], [null, null, 'The model', 1]]);  // read, not drawn
    await tab.waitFor(() => /^784-32-784 relu \(dense\), a code of 32 numbers, plain autoencoder/.test(document.getElementById('summary-text').textContent));
    const before = await tree(tab);

    await drawWithMouse(tab, THREE);
    // Each stroke is spoken (the newest waiting 2 s after the last message): the last names the whole drawing's
    // nearest digits, as neighbours() gives them.
    const nearest = (await api(tab, 'neighbours')).map((n) => n.label).join(', ');
    await until(tab, new RegExp(`^Your drawing is rebuilt with a loss of 0\\.\\d{4}, more unusual than \\d+ % of test digits\\. ` +
      `Its nearest training digits by code: ${nearest}\\.$`));
    const afterDrawing = await tree(tab);

    await api(tab, 'reset', 2);
    await api(tab, 'apply', { targetEpochs: 2 });  // after the reset, which starts a new run at the default target
    await api(tab, 'setTraining', true);
    // Start and stop within 2 s are one message of their kind, the newest: the stop.
    await until(tab, /Epoch [12] done: test loss 0\.\d{4}\./, 60000);  // epochs close together: the newest
    await until(tab, /Training stopped at epoch 2, step 64\./);
    assert.equal((await state(tab)).epoch, 2);
    assert.match(await tab.evaluate(() => document.getElementById('summary-text').textContent), /Paused: epoch 2, step 64, test loss 0\.\d{4}\.$/);
    if (tab.browser === 'chromium') {
      assert.match(before, /- status\n/);
      assert.match(before, /- region "The model":\n\s+- heading "The model" \[level=2\]\n\s+- paragraph: "?784-32-784 relu/);
      assert.match(afterDrawing, /- status: "?Your drawing is rebuilt with a loss of/);
      assert.match(await tree(tab), /- status: "?.*Training stopped at epoch 2/);
    }
    assert.deepEqual(tab.log.errors, []);
    await tab.close();
  });
});
