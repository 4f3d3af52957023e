// Exports (docs/exports.md), from the CLI, read back by real readers: every part (the whole model, the encoder, the
// decoder) of the dense models (the seed, a deep tanh model, a VAE) and the convolutional ones (the Keras article's,
// a VAE with a dense bottleneck), as ONNX run in onnxruntime-node and checked by Debian's python3-onnx, and as TF.js
// Layers loaded in @tensorflow/tfjs under Node. Each gives the same numbers as our own forward pass on 16 test digits
// (tests/tools/export_reference.cpp), to 1e-5. Runs no browser; the page's Export menu is in files.test.mjs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repo } from './helpers.mjs';
import { maxDifference, runOnnx, runTfjs } from './readers.mjs';

const latent = path.join(repo, 'build', 'native', 'latent');
const reference = path.join(repo, 'build', 'native', 'tests', 'export_reference');
const assets = path.join(repo, 'assets');
const DIGITS = 16;
const TOLERANCE = 1e-5;

// The models: two that ship with the page, three trained here for one epoch (seconds each).
const MODELS = [
  { name: 'seed', file: path.join(assets, 'weights', 'seed-784-32.safetensors') },
  { name: 'conv', gz: path.join(assets, 'weights', 'mnist-conv-16-8-8.safetensors.gz'), image: true },
  { name: 'deep-tanh', train: ['--hidden', '128,64', '--latent', '16', '--activation', 'tanh'] },
  { name: 'vae', train: ['--hidden', '128', '--latent', '8', '--variant', 'vae'], vae: true },
  { name: 'conv-vae', train: ['--model', 'conv', '--channels', '8,4', '--bottleneck', '10', '--variant', 'vae'], image: true, vae: true },
];
const PARTS = ['all', 'encoder', 'decoder'];

let dir;
const run = (program, args) => execFileSync(program, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function weightsOf(model) {
  const file = path.join(dir, `${model.name}.safetensors`);
  if (model.file) return model.file;
  if (model.gz) {
    fs.writeFileSync(file, execFileSync('gzip', ['-dc', model.gz]));
  } else {
    run(latent, ['train', ...model.train, '--epochs', '1', '--save', file]);
  }
  return file;
}

// What a part reads and gives, from our forward pass: [input name, values, shape] and {output: values}.
function partCase(model, part, ref, format) {
  const n = ref.input.length;
  const image = format === 'onnx' ? [n, 1, 28, 28] : [n, 28, 28, 1];
  const input = part === 'decoder' ? ['code', ref.code.flat(), [n, ref.code_size]]
    : ['input', ref.input.flat(), model.image ? image : [n, ref.pixels]];
  const outputs = part === 'encoder' ? (model.vae ? { mean: ref.code.flat(), log_var: ref.log_var.flat() } : { code: ref.code.flat() })
    : { reconstruction: ref.reconstruction.flat() };
  return { input, outputs };
}

describe('exports', () => {
  const refs = new Map();
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-export-'));
    for (const model of MODELS) {
      model.weights = weightsOf(model);
      const out = path.join(dir, `${model.name}-reference.json`);
      run(reference, [assets, model.weights, String(DIGITS), out]);
      refs.set(model.name, JSON.parse(fs.readFileSync(out, 'utf8')));
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const model of MODELS) {
    for (const part of PARTS) {
      test(`${model.name}, ${part}: ONNX in onnxruntime-node gives our numbers`, async () => {
        const file = path.join(dir, `${model.name}-${part}.onnx`);
        assert.match(run(latent, ['export', '--weights', model.weights, '--format', 'onnx', '--part', part, '--out', file]), /exported .* as ONNX/);
        const { input, outputs } = partCase(model, part, refs.get(model.name), 'onnx');
        const got = await runOnnx(file, input);
        assert.deepEqual(Object.keys(got).sort(), Object.keys(outputs).sort());
        for (const [name, want] of Object.entries(outputs)) assert.ok(maxDifference(got[name], want) <= TOLERANCE, `${name}: max |difference| ${maxDifference(got[name], want)}`);
      });
      test(`${model.name}, ${part}: TF.js in @tensorflow/tfjs gives our numbers`, async () => {
        const folder = path.join(dir, `${model.name}-${part}-tfjs`);
        run(latent, ['export', '--weights', model.weights, '--format', 'tfjs', '--part', part, '--out', folder]);
        const { input, outputs } = partCase(model, part, refs.get(model.name), 'tfjs');
        const got = await runTfjs(fs.readFileSync(path.join(folder, 'model.json'), 'utf8'), fs.readFileSync(path.join(folder, 'weights.bin')), input);
        assert.deepEqual(Object.keys(got).sort(), Object.keys(outputs).sort());
        for (const [name, want] of Object.entries(outputs)) assert.ok(maxDifference(got[name], want) <= TOLERANCE, `${name}: max |difference| ${maxDifference(got[name], want)}`);
      });
    }
  }

  test('every ONNX export passes python3-onnx\'s checker, opset 13, with its metadata', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => path.join(dir, f));
    assert.equal(files.length, MODELS.length * PARTS.length);
    const script = [
      'import json, sys, onnx',
      'for f in sys.argv[1:]:',
      '    m = onnx.load(f)',
      '    onnx.checker.check_model(m, full_check=True)',
      '    print(json.dumps({"file": f, "opset": m.opset_import[0].version, "meta": {p.key: p.value for p in m.metadata_props}}))',
    ].join('\n');
    // Debian's python3 (python3-onnx is Debian's), whatever python3 comes first on the PATH.
    const lines = run('/usr/bin/python3', ['-c', script, ...files]).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, files.length);
    for (const l of lines) {
      assert.equal(l.opset, 13, l.file);
      assert.ok(l.meta.architecture && l.meta.part && l.meta.trained_epochs, `${l.file}: ${JSON.stringify(l.meta)}`);
    }
  });

  test('bad requests are refused with a one-line reason and a non-zero exit', () => {
    const refuse = (args, pattern) => {
      let error;
      try { run(latent, ['export', ...args]); } catch (e) { error = e; }
      assert.ok(error, `${args.join(' ')} was not refused`);
      assert.equal(error.status, 2);
      assert.match(error.stderr, pattern);
      assert.equal(error.stderr.trim().split('\n').length, 1, error.stderr);
    };
    const seed = MODELS[0].file;
    refuse(['--weights', seed, '--format', 'keras', '--out', path.join(dir, 'x')], /--format 'keras' is not onnx or tfjs/);
    refuse(['--weights', seed, '--format', 'onnx', '--part', 'middle', '--out', path.join(dir, 'x')], /--part 'middle' is not all, encoder or decoder/);
    refuse(['--weights', seed, '--format', 'onnx'], /--out is required/);
    refuse(['--weights', path.join(dir, 'missing.safetensors'), '--format', 'onnx', '--out', path.join(dir, 'x.onnx')], /missing\.safetensors/);
    refuse(['--weights', seed, '--format', 'onnx', '--out', path.join(dir, 'no-such-folder', 'x.onnx')], /no-such-folder/);
  });
});
