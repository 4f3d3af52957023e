#!/usr/bin/python3
"""PyTorch reference for Latent Canvas' quality bar: the seed autoencoder trained the same way as `latent train`.

Same data and split (the bundled 10,000 digits, the stratified 8,000/2,000 split of src/core/dataset.hpp), same
model (784 -> Dense 32 ReLU -> Dense 784 sigmoid), same init (Glorot-uniform weights, zero biases), same
optimizer (Adam lr 1e-3, betas 0.9/0.999, eps 1e-7), batch 256 with the partial last batch kept (32 steps an
epoch; --drop-last gives 31), a fresh shuffle every epoch, BCE averaged over pixels and samples.

The variants follow `latent train --variant` (src/core/objective.hpp), with the same objectives:
  --variant denoising [--noise gaussian|mask] [--noise-level 0.5]: clean x from x + level * N(0, 1) clipped to
      [0, 1], or from x with each pixel zeroed with probability level; the test inputs carry the same kind of
      noise (drawn once, from a fixed seed: torch's generator, so not the very numbers latent draws);
  --variant sparse [--sparsity 1e-4]: BCE + sparsity * mean over the batch of sum |code|;
  --variant vae [--beta 1]: the encoder's last layer gives mean and log-variance (2 * latent outputs), the code is
      sampled with the reparameterisation trick, the loss per image is the BCE summed over pixels + beta * KL,
      averaged over the batch; the test loss decodes the mean.
--hidden and --latent shape the model as in latent (e.g. --hidden 512 --latent 2, the Keras VAE); --model conv
[--channels 16,8,8] [--bottleneck N] is the convolutional autoencoder (ConvAutoencoder below). --threads sets
torch.set_num_threads (1 by default); each seed's line gives the images/s of every epoch (training steps only).
--malloc steady keeps glibc's malloc from returning PyTorch's large buffers to the kernel after every step (see
steady_malloc below): this is what makes PyTorch's speed bimodal on this machine.
The reported test loss is always the mean per-pixel BCE against the clean test images.

It is a reference, not a test dependency. Needs Debian's python3-torch (run with /usr/bin/python3):
    /usr/bin/python3 scripts/pytorch_reference.py --epochs 20 --seeds 1,2,3,4,5
Prints one JSON line per seed and a summary line with the mean and spread of the final test BCE.
"""
import argparse
import ctypes
import gzip
import json
import os
import statistics
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_idx(path, dims):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    assert magic == 0x800 | dims, f"{path}: bad magic {magic:#x}"
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    body = data[4 + 4 * dims:]
    expected = 1
    for s in shape:
        expected *= s
    assert len(body) == expected, f"{path}: {len(body)} data bytes, header says {expected}"
    return shape, body


def load_bundled():
    (n, rows, cols), images = read_idx(os.path.join(ROOT, "assets/mnist/images-idx3-ubyte.gz"), 3)
    (m,), labels = read_idx(os.path.join(ROOT, "assets/mnist/labels-idx1-ubyte.gz"), 1)
    assert n == m and len(images) == n * rows * cols
    x = torch.frombuffer(bytearray(images), dtype=torch.uint8).reshape(n, rows * cols).float() / 255.0
    return x, list(labels)


def split_stratified(labels, test_fraction=0.2):
    """The split of src/core/dataset.cpp: largest-remainder test counts per label, the last ones in file order."""
    count = [0] * 256
    for l in labels:
        count[l] += 1
    total_test = round(test_fraction * len(labels))
    exact = [test_fraction * c for c in count]
    test_count = [int(e // 1) for e in exact]
    order = sorted(range(256), key=lambda l: -(exact[l] - test_count[l]))  # stable: ties keep label order
    for l in order:
        if sum(test_count) >= total_test:
            break
        if test_count[l] < count[l]:
            test_count[l] += 1
    seen = [0] * 256
    train_idx, test_idx = [], []
    for i, l in enumerate(labels):
        (test_idx if seen[l] >= count[l] - test_count[l] else train_idx).append(i)
        seen[l] += 1
    return train_idx, test_idx


class Autoencoder(nn.Module):
    """784 -> hidden... -> latent (ReLU on every layer but the output) -> hidden reversed... -> 784 logits.
    Variational: the encoder's last layer has 2 * latent outputs, mean over log-variance, and no activation."""

    def __init__(self, hidden=(), latent=32, variational=False):
        super().__init__()
        self.latent, self.variational = latent, variational
        widths = [784, *hidden, latent]
        enc = [nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:])]
        if variational:
            enc[-1] = nn.Linear(widths[-2], 2 * latent)
        back = widths[::-1]
        self.encoder = nn.ModuleList(enc)
        self.decoder = nn.ModuleList(nn.Linear(a, b) for a, b in zip(back[:-1], back[1:]))
        for layer in [*self.encoder, *self.decoder]:
            nn.init.xavier_uniform_(layer.weight)  # Glorot-uniform, as Keras
            nn.init.zeros_(layer.bias)

    def encode(self, x):
        for i, layer in enumerate(self.encoder):
            x = layer(x)
            if not (self.variational and i == len(self.encoder) - 1):
                x = F.relu(x)
        return x

    def decode(self, z):
        for i, layer in enumerate(self.decoder):
            z = layer(z)
            if i < len(self.decoder) - 1:
                z = F.relu(z)
        return z  # logits; the loss applies the sigmoid stably


def valid_blocks(side, channels):
    """Which decoder blocks' convolutions are 'valid' (src/core/autoencoder.cpp valid_blocks): a 'valid' convolution
    in block j of n takes 2 * 2^(n - j) off the final side; chosen from the first block on, largest first."""
    n, s = len(channels), side
    for _ in channels:
        s = (s + 1) // 2
    excess, valid = s * 2 ** n - side, []
    for j in range(n):
        cut = 2 << (n - j)
        valid.append(excess >= cut)
        excess -= cut if excess >= cut else 0
    assert excess == 0, f"channels {channels}: the decoder cannot come back to {side}"
    return valid, s


class ConvAutoencoder(nn.Module):
    """The Keras article's convolutional autoencoder (latent train --model conv): per block of `channels`, a 3x3
    'same' convolution with ReLU and a 2x2 max pool with ceil rounding (7 -> 4); the pooled maps flattened (C, H, W
    order) are the code, or a dense bottleneck of N numbers reads them (mean over log-variance for a VAE); the
    decoder mirrors the blocks with 3x3 convolutions (ReLU; 'valid' where the sizes must shrink) and 2x nearest
    upsampling, then a 3x3 convolution to one channel of logits."""

    def __init__(self, channels=(16, 8, 8), bottleneck=0, variational=False, activation="relu"):
        super().__init__()
        self.variational, self.bottleneck = variational, bottleneck
        self.act = {"relu": F.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "linear": lambda v: v}[activation]
        valid, side = valid_blocks(28, channels)
        self.maps = (channels[-1], side, side)
        flat = channels[-1] * side * side
        self.latent = bottleneck if bottleneck else flat
        self.enc_convs = nn.ModuleList()
        c = 1
        for out in channels:
            self.enc_convs.append(nn.Conv2d(c, out, 3, padding="same"))
            c = out
        self.enc_dense = nn.Linear(flat, 2 * bottleneck if variational else bottleneck) if bottleneck else None
        self.dec_dense = nn.Linear(bottleneck, flat) if bottleneck else None
        self.dec_convs = nn.ModuleList()
        for j, out in enumerate(reversed(channels)):
            self.dec_convs.append(nn.Conv2d(c, out, 3, padding="valid" if valid[j] else "same"))
            c = out
        self.out_conv = nn.Conv2d(c, 1, 3, padding="same")
        for layer in self.modules():
            if isinstance(layer, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(layer.weight)  # Glorot-uniform, fans counting the kernel's taps, as Keras
                nn.init.zeros_(layer.bias)

    def encode(self, x):
        x = x.view(-1, 1, 28, 28)
        for conv in self.enc_convs:
            x = F.max_pool2d(self.act(conv(x)), 2, ceil_mode=True)
        x = x.flatten(1)
        return self.enc_dense(x) if self.enc_dense is not None else x

    def decode(self, z):
        if self.dec_dense is not None:
            z = self.act(self.dec_dense(z))
        x = z.view(-1, *self.maps)
        for conv in self.dec_convs:
            x = F.interpolate(self.act(conv(x)), scale_factor=2, mode="nearest")
        return self.out_conv(x).flatten(1)  # logits


def load_latent_canvas_conv(path):
    """A convolutional Latent Canvas .safetensors file (metadata model = conv) as a ConvAutoencoder, and its
    metadata. The file's tensors, in the order they are stored, are the model's parameters in order
    (docs/weights-format.md)."""
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    meta = header.pop("__metadata__")
    assert meta.get("model") == "conv", f"{path}: not a convolutional model"
    model = ConvAutoencoder([int(c) for c in meta["channels"].split(",")], int(meta["bottleneck"]),
                            meta.get("variational") == "true", meta["activation"])
    names = sorted(header, key=lambda name: header[name]["data_offsets"][0])
    params = list(model.parameters())
    assert len(names) == len(params), f"{path}: {len(names)} tensors for {len(params)} parameters"
    with torch.no_grad():
        for p, name in zip(params, names):
            t = header[name]
            begin, end = t["data_offsets"]
            value = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(t["shape"])
            assert value.shape == p.shape, f"{path}: {name} is {list(value.shape)}, the model's is {list(p.shape)}"
            p.copy_(value)
    return model, meta


def corrupt(x, kind, level, generator=None):
    if kind == "mask":
        return x * (torch.rand(x.shape, generator=generator) >= level).float()
    return (x + level * torch.randn(x.shape, generator=generator)).clamp(0.0, 1.0)


def objective(model, a, xb):
    """The training objective and its parts for one batch."""
    inputs = corrupt(xb, a.noise, a.noise_level) if a.variant == "denoising" else xb
    h = model.encode(inputs)
    if a.variant == "vae":
        mu, logvar = h[:, :model.latent], h[:, model.latent:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        rec = F.binary_cross_entropy_with_logits(model.decode(z), xb, reduction="sum") / xb.shape[0]
        kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum()) / xb.shape[0]
        return rec + a.beta * kl
    loss = F.binary_cross_entropy_with_logits(model.decode(h), xb)
    if a.variant == "sparse":
        loss = loss + a.sparsity * h.abs().sum() / xb.shape[0]
    return loss


def test_terms(model, a, x_test, test_inputs):
    """Mean per-pixel BCE of the clean test images, and the variant's own term."""
    h = model.encode(test_inputs)
    code = h[:, :model.latent]
    terms = {"test_loss": F.binary_cross_entropy_with_logits(model.decode(code), x_test).item()}
    if a.variant == "vae":
        logvar = h[:, model.latent:]
        terms["test_kl"] = (-0.5 * (1 + logvar - code.pow(2) - logvar.exp()).sum() / x_test.shape[0]).item()
    if a.variant == "sparse":
        terms["test_penalty"] = (a.sparsity * code.abs().sum() / x_test.shape[0]).item()
    return terms


def run(seed, a, x_train, x_test):
    torch.manual_seed(seed)
    hidden = [int(w) for w in a.hidden.split(",")] if a.hidden else []
    if a.model == "conv":
        model = ConvAutoencoder([int(c) for c in a.channels.split(",")], a.bottleneck, a.variant == "vae")
    else:
        model = Autoencoder(hidden, a.latent, a.variant == "vae")
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-7)
    test_inputs = x_test
    if a.variant == "denoising":
        test_inputs = corrupt(x_test, a.noise, a.noise_level, torch.Generator().manual_seed(0x7E57))
    n, batch = x_train.shape[0], a.batch
    history, epoch_times = [], []
    start = time.time()
    for epoch in range(1, a.epochs + 1):
        epoch_start = time.time()
        perm = torch.randperm(n)
        steps = n // batch if a.drop_last else (n + batch - 1) // batch
        total, seen = 0.0, 0
        for s in range(steps):
            xb = x_train[perm[s * batch:(s + 1) * batch]]
            loss = objective(model, a, xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
            seen += xb.shape[0]
        epoch_times.append(time.time() - epoch_start)
        with torch.no_grad():
            history.append({"epoch": epoch, "train_loss": total / seen, **test_terms(model, a, x_test, test_inputs)})
    return history, time.time() - start, epoch_times


def steady_malloc():
    """Fixes glibc's mmap and trim thresholds, which it otherwise adjusts as it goes.

    A conv layer's activations for a batch of 256 are megabytes (16 x 28 x 28 x 256 floats: 12.8 MB). Left alone,
    glibc serves buffers that large with mmap and unmaps them when freed (or trims the heap top above them), so every
    step faults its buffers in afresh, zeroed page by page: measured 2026-12-06 on this machine, one thread, 8 epochs
    of the conv model: 990-1,420 images/s with 30 of 76 s in the kernel. glibc raises its mmap threshold when a mapped
    buffer is freed, up to 32 MB, and whether the run then settles under it decides the mode it runs in: the same
    run with fixed thresholds, 4,210-4,410 images/s (the first epoch 3,340) with 4 of 26 s in the kernel. The values
    are mallopt's M_MMAP_THRESHOLD (its maximum, 32 MB), M_TRIM_THRESHOLD (never trim) and M_TOP_PAD (256 MB).
    """
    libc = ctypes.CDLL("libc.so.6")
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    ok = (libc.mallopt(m_mmap_threshold, 32 << 20) and libc.mallopt(m_trim_threshold, 2**31 - 1)
          and libc.mallopt(m_top_pad, 256 << 20))
    if not ok:
        raise SystemExit("pytorch_reference.py: glibc's mallopt refused the steady thresholds")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--seeds", default="1,2,3,4,5")
    p.add_argument("--drop-last", action="store_true", help="drop the partial last batch (31 steps an epoch)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--hidden", default="", help="encoder widths between input and code, e.g. 512")
    p.add_argument("--latent", type=int, default=32)
    p.add_argument("--model", choices=["dense", "conv"], default="dense")
    p.add_argument("--channels", default="16,8,8", help="conv: filters per block")
    p.add_argument("--bottleneck", type=int, default=0, help="conv: a dense code of N numbers (a VAE needs one)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--variant", choices=["plain", "denoising", "sparse", "vae"], default="plain")
    p.add_argument("--noise", choices=["gaussian", "mask"], default="gaussian")
    p.add_argument("--noise-level", type=float, default=0.5)
    p.add_argument("--sparsity", type=float, default=1e-4)
    p.add_argument("--beta", type=float, default=1.0)
    p.add_argument("--malloc", choices=["glibc", "steady"], default="glibc",
                   help="steady: fixed mmap and trim thresholds (steady_malloc), glibc: as it comes")
    a = p.parse_args()
    if a.malloc == "steady":
        steady_malloc()
    torch.set_num_threads(a.threads)
    x, labels = load_bundled()
    train_idx, test_idx = split_stratified(labels)
    x_train, x_test = x[train_idx], x[test_idx]
    finals = []
    for seed in [int(s) for s in a.seeds.split(",")]:
        history, seconds, epoch_seconds = run(seed, a, x_train, x_test)
        finals.append(history[-1]["test_loss"])
        extra = {k: round(v, 5) for k, v in history[-1].items() if k in ("test_kl", "test_penalty")}
        print(json.dumps({"seed": seed, "epochs": a.epochs, "train": len(train_idx), "test": len(test_idx),
                          "final_test_loss": round(history[-1]["test_loss"], 5), **extra, "seconds": round(seconds, 2),
                          "images_per_sec_by_epoch": [round(len(train_idx) / t, 1) for t in epoch_seconds],
                          "test_loss_by_epoch": [round(h["test_loss"], 5) for h in history]}), flush=True)
    print(json.dumps({"summary": "pytorch", "torch": torch.__version__, "model": a.model, "variant": a.variant,
                      "epochs": a.epochs, "threads": a.threads, "malloc": a.malloc,
                      "drop_last": a.drop_last,
                      "mean_final_test_loss": round(statistics.mean(finals), 5),
                      "min": round(min(finals), 5), "max": round(max(finals), 5)}))


if __name__ == "__main__":
    main()
