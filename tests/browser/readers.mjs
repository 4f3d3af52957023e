// Real readers of our exports (docs/exports.md), for export.test.mjs and files.test.mjs: onnxruntime-node runs an
// ONNX file, @tensorflow/tfjs (under Node) a TF.js Layers model, and unzip() opens the page's .tfjs.zip (stored
// entries, as src/core/model_export.cpp writes them; each checked against its CRC-32).
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';

// Runs `input` = [name, values, shape] through an ONNX model (a file's path or its bytes): {output name: values}.
export async function runOnnx(model, input) {
  const session = await ort.InferenceSession.create(model);
  const [name, values, shape] = input;
  assert.deepEqual(session.inputNames, [name]);
  const out = await session.run({ [name]: new ort.Tensor('float32', Float32Array.from(values), shape) });
  return Object.fromEntries(session.outputNames.map((o) => [o, out[o].data]));
}

// The same through a TF.js Layers model, from model.json's text and weights.bin's bytes.
export async function runTfjs(modelJson, weightsBin, input) {
  const json = JSON.parse(modelJson);
  const weightData = weightsBin.buffer.slice(weightsBin.byteOffset, weightsBin.byteOffset + weightsBin.length);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
  const [name, values, shape] = input;
  assert.deepEqual(model.inputNames, [name]);
  let out = model.predict(tf.tensor(values, shape));
  out = Array.isArray(out) ? out : [out];
  const result = {};
  for (let i = 0; i < out.length; ++i) result[model.outputNames[i]] = await out[i].data();
  return result;
}

// CRC-32 (the zip's and zlib's), bit by bit: node:zlib has crc32() only from Node 20.15, and Debian 12's is 18.
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; ++k) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// A zip archive's stored files: {name: Buffer}.
export function unzip(bytes) {
  const zip = Buffer.from(bytes);
  const files = {};
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50;) {
    assert.equal(zip.readUInt16LE(at + 8), 0, 'stored, not compressed');
    const size = zip.readUInt32LE(at + 22), nameLength = zip.readUInt16LE(at + 26), extra = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
    const data = zip.subarray(at + 30 + nameLength + extra, at + 30 + nameLength + extra + size);
    assert.equal(crc32(data), zip.readUInt32LE(at + 14), `${name}: CRC-32`);
    files[name] = data;
    at += 30 + nameLength + extra + size;
  }
  return files;
}

export function maxDifference(a, b) {
  assert.equal(a.length, b.length, 'output sizes');
  let m = 0;
  for (let i = 0; i < a.length; ++i) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
