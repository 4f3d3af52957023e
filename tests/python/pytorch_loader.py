#!/usr/bin/python3
"""Runs the PyTorch loader in docs/weights-format.md (the ```python block that defines load_latent_canvas) on a weights file, and
on a deep tanh model the CLI trains for an epoch, and checks that its reconstructions of the digits give the
binary cross-entropy `latent eval` reports for the same file and images. Exits 77 (ctest: skipped) when python3-torch or NumPy is missing, saying so.

    tests/python/pytorch_loader.py --doc docs/weights-format.md --cli build/native/latent --weights W --images I.gz --labels L.gz
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"SKIPPED: {e.name} is not installed (apt-get install python3-torch)")
    sys.exit(77)

parser = argparse.ArgumentParser()
for flag in ("--doc", "--cli", "--weights", "--images", "--labels"):
    parser.add_argument(flag, required=True)
args = parser.parse_args()

with open(args.doc, encoding="utf-8") as f:
    blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
snippet = [b for b in blocks if "def load_latent_canvas" in b]
assert len(snippet) == 1, f"{args.doc}: expected one python block defining load_latent_canvas, found {len(snippet)}"


def load(weights):
    """The block, run as written but for the file name in its example call."""
    code = snippet[0].replace('"model.safetensors"', repr(weights))
    scope = {}
    exec(compile(code, f"{args.doc} (python block)", "exec"), scope)
    return scope["encoder"], scope["decoder"], scope["meta"]


with gzip.open(args.images, "rb") as f:
    raw = f.read()
count = int.from_bytes(raw[4:8], "big")
x = torch.from_numpy(np.frombuffer(raw[16:], np.uint8).reshape(count, 784).astype(np.float32) / 255.0)


def bce_of(weights):
    encoder, decoder, meta = load(weights)
    assert meta["format"] == "latent-canvas", meta
    with torch.no_grad():
        # The loss as the core computes it: from the decoder's logits (its stack without the final sigmoid).
        logits = decoder[:-1](encoder(x))
        assert torch.allclose(torch.sigmoid(logits), decoder(encoder(x)))
        bce = float(torch.nn.functional.binary_cross_entropy_with_logits(logits.double(), x.double()))
    out = subprocess.run([args.cli, "eval", "--weights", weights, "--images", args.images, "--labels", args.labels,
                          "--json"], check=True, capture_output=True, text=True).stdout
    expected = json.loads(out)["test_loss"]
    print(f"{weights} ({meta['hidden'] or 'no hidden layers'}, {meta['activation']}): PyTorch through the documented "
          f"loader BCE {bce:.6f} on {count} images; latent eval {expected:.6f}")
    assert abs(bce - expected) <= 1e-4 * expected, f"PyTorch {bce} differs from latent eval {expected}"


# The shipped weights, and a deep model with another activation trained for an epoch by the CLI.
bce_of(args.weights)
with tempfile.TemporaryDirectory() as folder:
    deep = os.path.join(folder, "deep.safetensors")
    subprocess.run([args.cli, "train", "--epochs", "1", "--hidden", "64,32", "--latent", "8", "--activation", "tanh",
                    "--save", deep], check=True, capture_output=True)
    bce_of(deep)


# A convolutional model: scripts/pytorch_reference.py's ConvAutoencoder, loaded by its load_latent_canvas_conv (the
# loader docs/weights-format.md names for these files), gives latent eval's loss too.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(args.doc)), "..", "scripts"))
import pytorch_reference  # noqa: E402

with tempfile.TemporaryDirectory() as folder:
    conv = os.path.join(folder, "conv.safetensors")
    subprocess.run([args.cli, "train", "--epochs", "1", "--model", "conv", "--save", conv], check=True, capture_output=True)
    model, meta = pytorch_reference.load_latent_canvas_conv(conv)
    with torch.no_grad():
        bce = float(torch.nn.functional.binary_cross_entropy_with_logits(model.decode(model.encode(x)).double(), x.double()))
    out = subprocess.run([args.cli, "eval", "--weights", conv, "--images", args.images, "--labels", args.labels,
                          "--json"], check=True, capture_output=True, text=True).stdout
    expected = json.loads(out)["test_loss"]
    print(f"{conv} (conv {meta['channels']}): PyTorch's ConvAutoencoder BCE {bce:.6f} on {count} images; latent eval {expected:.6f}")
    assert abs(bce - expected) <= 1e-4 * expected, f"PyTorch {bce} differs from latent eval {expected}"
