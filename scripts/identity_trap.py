#!/usr/bin/env python3
"""The identity trap, measured: dense autoencoders with a narrow code (32) and a code as wide as the input (784)
trained the same way with the CLI, then asked to rebuild things that are not digits.

For each latent size it trains `latent train --latent N --epochs E --seed S` on the bundled split, then evaluates
the saved weights with `latent eval` on:
  - the 2,000 bundled test digits;
  - 2,000 scribbles: three random strokes each, 2 pixels wide;
  - 2,000 images of uniform random noise.
and prints one table (test BCE per pixel; lower is a closer copy). A model that learned digits rebuilds digits
well and scribbles and noise badly; a model that can copy its input rebuilds them all.

  /usr/bin/python3 scripts/identity_trap.py [--latents 32,784] [--epochs 20] [--seed 1] [--latent build/native/latent]
"""
import argparse
import gzip
import json
import os
import subprocess
import tempfile

import numpy as np

SIDE = 28


def write_idx(path, images):
    """IDX files of unsigned bytes: images (n, 28, 28) and, beside them, labels (all 0; eval needs a file)."""
    n = images.shape[0]
    with gzip.open(path + '-images.gz', 'wb') as f:
        f.write(bytes([0, 0, 8, 3]) + n.to_bytes(4, 'big') + SIDE.to_bytes(4, 'big') + SIDE.to_bytes(4, 'big'))
        f.write(images.astype(np.uint8).tobytes())
    with gzip.open(path + '-labels.gz', 'wb') as f:
        f.write(bytes([0, 0, 8, 1]) + n.to_bytes(4, 'big') + bytes(n))
    return path + '-images.gz', path + '-labels.gz'


def scribbles(n, rng):
    """Three strokes per image, each a random walk of 12 steps drawn 2 pixels wide."""
    out = np.zeros((n, SIDE, SIDE), np.uint8)
    for img in out:
        for _ in range(3):
            x, y = rng.uniform(4, 24, 2)
            for _ in range(12):
                nx, ny = np.clip([x + rng.normal(0, 2.5), y + rng.normal(0, 2.5)], 2, 25)
                for t in np.linspace(0, 1, 8):
                    px, py = int(round(x + t * (nx - x))), int(round(y + t * (ny - y)))
                    img[py:py + 2, px:px + 2] = 255
                x, y = nx, ny
    return out


def read_images(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    return np.frombuffer(data[16:], np.uint8).reshape(-1, SIDE, SIDE)


def load_bundled_test():
    """The bundled digits' test split is the CLI's; the floor over all of them is close enough to say it."""
    return read_images(os.path.join(os.path.dirname(__file__), '..', 'assets', 'mnist', 'images-idx3-ubyte.gz'))


def copy_floor(images):
    """The BCE per pixel of a reconstruction equal to its input: the entropy of its grey pixels (0 for black and
    white); no model can go below it."""
    x = np.clip(images.astype(np.float64) / 255.0, 1e-12, 1 - 1e-12)
    return float(np.mean(-(x * np.log(x) + (1 - x) * np.log(1 - x))))


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {result.stderr.strip()}")
    return result.stdout


def evaluate(latent, weights, files=None):
    cmd = [latent, 'eval', '--weights', weights, '--json']
    if files:
        cmd += ['--images', files[0], '--labels', files[1]]
    return json.loads(run(cmd).strip().splitlines()[-1])['test_loss']


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--latents', default='32,784')
    parser.add_argument('--epochs', type=int, default=20)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--latent', default=os.path.join(os.path.dirname(__file__), '..', 'build', 'native', 'latent'))
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as work:
        probes = {
            'scribbles': write_idx(os.path.join(work, 'scribbles'), scribbles(2000, rng)),
            'noise': write_idx(os.path.join(work, 'noise'), rng.integers(0, 256, (2000, SIDE, SIDE))),
        }
        print(f'| latent size | test digits | scribbles | uniform noise |  ({args.epochs} epochs, seed {args.seed})')
        print('| --- | --- | --- | --- |')
        floors = [copy_floor(load_bundled_test())] + [copy_floor(read_images(probes[k][0])) for k in ('scribbles', 'noise')]
        print('| a perfect copy | ' + ' | '.join(f'{v:.4f}' for v in floors) + ' |', flush=True)
        for size in [int(v) for v in args.latents.split(',')]:
            weights = os.path.join(work, f'latent-{size}.safetensors')
            run([args.latent, 'train', '--latent', str(size), '--epochs', str(args.epochs), '--seed', str(args.seed),
                 '--threads', str(args.threads), '--save', weights])
            losses = [evaluate(args.latent, weights)] + [evaluate(args.latent, weights, probes[k]) for k in ('scribbles', 'noise')]
            print(f'| {size} | ' + ' | '.join(f'{v:.4f}' for v in losses) + ' |', flush=True)


if __name__ == '__main__':
    main()
