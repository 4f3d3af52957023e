// web/server.mjs: types, isolation headers, loopback by default, no way out of the served folder, clear errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repo } from './helpers.mjs';
import { startServer } from '../../web/server.mjs';

const POLICY = "default-src 'none'; connect-src 'self'";
let root, server, url;
before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-server-'));
  fs.writeFileSync(path.join(root, 'index.html'),
    `<!doctype html><meta http-equiv="Content-Security-Policy" content="${POLICY}"><title>t</title>`);
  fs.writeFileSync(path.join(root, 'm.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'assets', 'd.gz'), Buffer.from([0x1f, 0x8b, 8, 0]));
  fs.writeFileSync(path.join(os.tmpdir(), 'latent-server-secret.txt'), 'secret');
  ({ server, url } = await startServer({ root, port: 0 }));
});
after(async () => {
  await new Promise((done) => server.close(done));
  fs.rmSync(root, { recursive: true, force: true });
});

test('binds to loopback and serves index.html at /', async () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const r = await fetch(url);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await r.text(), /<title>t<\/title>/);
});

test('index.html\'s Content-Security-Policy, with frame-ancestors, on every answer; none for a page without one', async () => {
  for (const p of ['', 'm.wasm', 'nope.js']) {
    const r = await fetch(`${url}${p}`);
    assert.equal(r.headers.get('content-security-policy'), `${POLICY}; frame-ancestors 'none'`, p);
  }
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-server-bare-'));
  fs.writeFileSync(path.join(bare, 'index.html'), '<!doctype html><title>b</title>');
  const other = await startServer({ root: bare, port: 0 });
  try {
    const r = await fetch(other.url);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-security-policy'), null);
  } finally {
    await new Promise((done) => other.server.close(done));
    fs.rmSync(bare, { recursive: true, force: true });
  }
});

test('--frame-ancestors names the pages that may frame this one; anything else in it is refused', async () => {
  const allowed = "'self' http://127.0.0.1:9000 https://course.example.org";
  const framed = await startServer({ root, port: 0, frameAncestors: allowed });
  try {
    const r = await fetch(framed.url);
    assert.equal(r.headers.get('content-security-policy'), `${POLICY}; frame-ancestors ${allowed}`);
  } finally {
    await new Promise((done) => framed.server.close(done));
  }
  await assert.rejects(startServer({ root, port: 0, frameAncestors: "https://a.org; script-src *" }),
    /--frame-ancestors: expected 'none', or sources such as .*, got 'https:\/\/a.org;'/);
  const cli = spawnSync(process.execPath, [path.join(repo, 'web', 'server.mjs'), '--root', root, '--port', '0', '--frame-ancestors', "'none' https://a.org"], { encoding: 'utf8' });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /^server\.mjs: --frame-ancestors: expected 'none', or sources such as/);
});

test('wasm as application/wasm, gzip as bytes without Content-Encoding, isolation headers on everything', async () => {
  const wasm = await fetch(`${url}m.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(wasm.headers.get('cross-origin-embedder-policy'), 'require-corp');
  const gz = await fetch(`${url}assets/d.gz`);
  assert.equal(gz.headers.get('content-type'), 'application/gzip');
  assert.equal(gz.headers.get('content-encoding'), null);
  assert.deepEqual([...new Uint8Array(await gz.arrayBuffer())], [0x1f, 0x8b, 8, 0]);
  const missing = await fetch(`${url}nope.js`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('cross-origin-embedder-policy'), 'require-corp');
});

test('no path leads outside the served folder', async () => {
  for (const p of ['/../latent-server-secret.txt', '/%2e%2e/latent-server-secret.txt', '/assets/..%2f..%2flatent-server-secret.txt']) {
    const status = await new Promise((resolve, reject) => {
      // A raw request: fetch() would normalise the dots away before sending.
      const { port } = server.address();
      const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      let data = '';
      socket.on('data', (d) => { data += d; });
      socket.on('end', () => resolve(Number(data.split(' ')[1])));
      socket.on('error', reject);
    });
    assert.ok(status === 403 || status === 404, `${p} answered ${status}`);
  }
  assert.equal((await fetch(`${url}%E0%A4%A`)).status, 400);
});

test('only GET and HEAD', async () => {
  assert.equal((await fetch(url, { method: 'POST', body: 'x' })).status, 405);
  const head = await fetch(`${url}m.wasm`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '8');
});

test('bad options and a busy port are refused with a message and exit status 2', () => {
  const script = path.join(repo, 'web', 'server.mjs');
  const bad = spawnSync(process.execPath, [script, '--port', 'eighty'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--port: expected a port number from 0 to 65535, got 'eighty'/);
  const unknown = spawnSync(process.execPath, [script, '--colour', 'blue'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown option '--colour'/);
  const busy = spawnSync(process.execPath, [script, '--root', root, '--port', String(server.address().port)], { encoding: 'utf8' });
  assert.equal(busy.status, 2);
  assert.match(busy.stderr, /already in use/);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-empty-'));
  const unbuilt = spawnSync(process.execPath, [script, '--root', empty], { encoding: 'utf8' });
  assert.equal(unbuilt.status, 2);
  assert.match(unbuilt.stderr, /has no index\.html: build the page first/);
  fs.rmSync(empty, { recursive: true });
});
