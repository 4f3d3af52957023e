#!/usr/bin/python3
"""PyTorch reference for Latent Canvas' quality bar: the seed autoencoder trained the same way as `latent train`.

Same data and split (the bundled 10,000 digits, the stratified 8,000/2,000 split of src/core/dataset.hpp), same
model (784 -> Dense 32 ReLU -> Dense 784 sigmoid), same init (Glorot-uniform weights, zero biases), same
optimizer (Adam lr 1e-3, betas 0.9/0.999, eps 1e-7), batch 256 with the partial last batch kept (32 steps an
epoch; --drop-last gives 31), a fresh shuffle every epoch, BCE averaged over pixels and samples.

It is a reference, not a test dependency. Needs Debian's python3-torch (run with /usr/bin/python3):
    /usr/bin/python3 scripts/pytorch_reference.py --epochs 20 --seeds 1,2,3,4,5
Prints one JSON line per seed and a summary line with the mean and spread of the final test BCE.
"""
import argparse
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
    def __init__(self, latent=32):
        super().__init__()
        self.encoder = nn.Linear(784, latent)
        self.decoder = nn.Linear(latent, 784)
        for layer in (self.encoder, self.decoder):
            nn.init.xavier_uniform_(layer.weight)  # Glorot-uniform, as Keras
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        return self.decoder(F.relu(self.encoder(x)))  # logits; the loss applies the sigmoid stably


def run(seed, epochs, batch, drop_last, x_train, x_test):
    torch.manual_seed(seed)
    model = Autoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    n = x_train.shape[0]
    history = []
    start = time.time()
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(n)
        steps = n // batch if drop_last else (n + batch - 1) // batch
        total, seen = 0.0, 0
        for s in range(steps):
            xb = x_train[perm[s * batch:(s + 1) * batch]]
            loss = F.binary_cross_entropy_with_logits(model(xb), xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
            seen += xb.shape[0]
        with torch.no_grad():
            test = F.binary_cross_entropy_with_logits(model(x_test), x_test).item()
        history.append({"epoch": epoch, "train_loss": total / seen, "test_loss": test})
    return history, time.time() - start


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--seeds", default="1,2,3,4,5")
    p.add_argument("--drop-last", action="store_true", help="drop the partial last batch (31 steps an epoch)")
    a = p.parse_args()
    torch.set_num_threads(1)
    x, labels = load_bundled()
    train_idx, test_idx = split_stratified(labels)
    x_train, x_test = x[train_idx], x[test_idx]
    finals = []
    for seed in [int(s) for s in a.seeds.split(",")]:
        history, seconds = run(seed, a.epochs, a.batch, a.drop_last, x_train, x_test)
        finals.append(history[-1]["test_loss"])
        print(json.dumps({"seed": seed, "epochs": a.epochs, "train": len(train_idx), "test": len(test_idx),
                          "final_test_loss": round(history[-1]["test_loss"], 5), "seconds": round(seconds, 2),
                          "test_loss_by_epoch": [round(h["test_loss"], 5) for h in history]}), flush=True)
    print(json.dumps({"summary": "pytorch", "torch": torch.__version__, "epochs": a.epochs, "drop_last": a.drop_last,
                      "mean_final_test_loss": round(statistics.mean(finals), 5),
                      "min": round(min(finals), 5), "max": round(max(finals), 5)}))


if __name__ == "__main__":
    main()
