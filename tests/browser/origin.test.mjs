// A page that keeps to itself, in each tested browser, from our server (the Content-Security-Policy as a header and
// as a meta tag) and from a plain static server (the meta tag alone). Every request is recorded through loading,
// training, drawing, opening a weights file, saving weights and downloading Fashion-MNIST: none may leave the
// page's origin, and the policy must block nothing the page does. Then the policy is shown to hold: a request to
// another origin and eval() are refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { contentSecurityPolicy } from '../../web/server.mjs';
import { THREE, api, drawWithMouse, forEachBrowser, loadApp, pageRoot, press, startPlainServer, state } from './helpers.mjs';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-origin-'));

// Installed before the page's own scripts: every policy violation the page meets, for the test to read.
function recordViolations() {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI });
  });
}

for (const [server, serve] of [['our server', undefined], ['a plain static server', startPlainServer]]) {
  forEachBrowser(`only its own origin, from ${server}`, (session) => {
    test('no request leaves the origin through a whole visit, and the policy blocks nothing the page does', async () => {
      const tab = await session().open({ width: 1440, height: 900 });
      await tab.addInitScript(recordViolations);
      const response = await loadApp(session(), tab);
      const origin = new URL(session().url).origin;

      // The policy is in force: the meta tag always, and our server's header (with frame-ancestors) too.
      const meta = await tab.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content);
      assert.match(meta, /^default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; /);
      if (!serve) assert.equal(response.headers['content-security-policy'], `${meta}; frame-ancestors 'none'`);
      assert.equal(contentSecurityPolicy(pageRoot), `${meta}; frame-ancestors 'none'`);

      // A visit: train, draw, save the weights, open them again, download Fashion-MNIST and its model.
      await api(tab, 'reset', 2);
      await api(tab, 'setTraining', true);
      await tab.waitFor(() => window.latentCanvas.state().step >= 20, null, 60000);
      await api(tab, 'setTraining', false);
      await drawWithMouse(tab, THREE);
      assert.equal((await state(tab)).strokes, 2);
      const { name, bytes } = await tab.evaluate(() => {
        const f = window.latentCanvas.weightsFile();
        return { name: f.name, bytes: Array.from(f.bytes) };
      });
      const saved = path.join(work, `${tab.browser}-${serve ? 'plain' : 'ours'}-${name}`);
      fs.writeFileSync(saved, Buffer.from(bytes));
      if (tab.download) await tab.download(() => press(tab, 'button:save'), path.join(work, `${tab.browser}-download`));
      await api(tab, 'reset', 4);
      await tab.setInputFiles('#file-input', [saved]);
      await tab.waitFor((n) => window.latentCanvas.state().origin.startsWith(n), `from ${path.basename(saved)}`, 20000);
      await api(tab, 'chooseData', 'fashion');
      await tab.waitFor(() => { const s = window.latentCanvas.state(); return s.dataKind === 'fashion' && !s.evaluating; }, null, 30000);

      const foreign = tab.log.requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
      assert.deepEqual(foreign, [], 'requests outside the page\'s origin');
      for (const f of ['latent-canvas.wasm.gz', 't10k-images-idx3-ubyte.gz', 'fashion-784-32.safetensors']) {
        assert.ok(tab.log.requests.some((u) => u.endsWith(`/${f}`)), `${f} was requested (the log records requests)`);
      }
      assert.deepEqual(await tab.evaluate(() => window.__violations), [], 'the policy blocked something the page does');
      assert.deepEqual(tab.log.errors, []);
      assert.deepEqual(tab.log.console.filter((m) => m.type === 'error'), []);

      // And it holds: a request to another origin (another port) is refused before it is sent, and so is a script
      // written into the page (the drivers' own evaluation is exempt from the policy, so eval() cannot show it).
      const elsewhere = `http://127.0.0.1:${Number(new URL(origin).port) + 1}/probe`;
      const fetched = await tab.evaluate((u) => fetch(u).then(() => 'sent', (e) => `refused: ${e.name}`), elsewhere);
      assert.equal(fetched, 'refused: TypeError');
      await tab.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true;';
        document.head.append(s);
      });
      await tab.frames(2);
      assert.equal(await tab.evaluate(() => window.__injected), undefined, 'an inline script ran');
      await tab.waitFor(() => window.__violations.length >= 2, null, 10000);
      const violations = await tab.evaluate(() => window.__violations);
      assert.ok(violations.some((v) => v.directive === 'connect-src' && v.blocked.startsWith(elsewhere.slice(0, -6))),
        JSON.stringify(violations));
      assert.ok(violations.some((v) => v.directive === 'script-src' || v.directive === 'script-src-elem'), JSON.stringify(violations));
      await tab.close();
    });
  }, { serve });
}
