#!/usr/bin/python3
"""Native training speed against PyTorch 1.13, all in one run: the table behind docs/benchmarks.md.

For each round and each thread count T it runs, in this order:
  latent bench --model M --threads T --steps 60 --json          (training steps alone, from fresh weights)
  latent train --model M --epochs E --threads T --json          (images/s of every epoch)
  scripts/pytorch_reference.py --model M --epochs P --threads T --malloc glibc    (PyTorch as installed)
  scripts/pytorch_reference.py --model M --epochs P --threads T --malloc steady   (glibc's thresholds fixed)
then prints one Markdown table: our ranges and medians, PyTorch's median and fastest epoch both ways, and the
ratios the issue asks for (our median epoch against PyTorch's median epoch and against its fastest).

    /usr/bin/python3 scripts/bench-native.py [--model conv] [--rounds 3] [--threads 1,2] [--latent build/native/latent]

Needs the native build and Debian's python3-torch. Run nothing else on the machine meanwhile: its two cores are the
whole of what is measured.
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def json_lines(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def latent_bench(a, threads):
    lines = json_lines([a.latent, "bench", "--model", a.model, "--threads", str(threads), "--steps", "60", "--json"])
    return [line["samples_per_sec"] for line in lines if "samples_per_sec" in line]


def latent_train(a, threads):
    lines = json_lines([a.latent, "train", "--model", a.model, "--epochs", str(a.epochs), "--threads", str(threads),
                        "--json"])
    return [line["samples_per_sec"] for line in lines if "epoch" in line]


def pytorch_epochs(a, threads, malloc):
    lines = json_lines([sys.executable, "scripts/pytorch_reference.py", "--model", a.model, "--epochs",
                        str(a.torch_epochs), "--seeds", "1", "--threads", str(threads), "--malloc", malloc])
    return [v for line in lines for v in line.get("images_per_sec_by_epoch", [])]


def measure(a):
    runs = {t: {"bench": [], "train": [], "glibc": [], "steady": []} for t in a.threads}
    for r in range(a.rounds):
        for t in a.threads:
            print(f"round {r + 1}, {t} thread(s)", file=sys.stderr, flush=True)
            runs[t]["bench"] += latent_bench(a, t)
            runs[t]["train"] += latent_train(a, t)
            runs[t]["glibc"] += pytorch_epochs(a, t, "glibc")
            runs[t]["steady"] += pytorch_epochs(a, t, "steady")
    return runs


def spread(values):
    return f"{min(values):,.0f}–{max(values):,.0f}, median {statistics.median(values):,.0f}"


def torch_cell(values):
    return f"{statistics.median(values):,.0f} ({max(values):,.0f}); all {min(values):,.0f}–{max(values):,.0f}"


def ratio_cell(ours, theirs):
    median = statistics.median(ours)
    return (f"{median / statistics.median(theirs):.1f}x median, {median / max(theirs):.1f}x fastest "
            f"(slowest epoch {min(ours) / max(theirs):.1f}x)")


def table(a, runs):
    rows = [("`latent bench`", lambda r: spread(r["bench"])),
            ("`latent train`, per epoch", lambda r: spread(r["train"])),
            ("PyTorch as installed: median (fastest)", lambda r: torch_cell(r["glibc"])),
            ("PyTorch, `--malloc steady`: median (fastest)", lambda r: torch_cell(r["steady"])),
            ("ours (median epoch) against PyTorch as installed", lambda r: ratio_cell(r["train"], r["glibc"])),
            ("ours against PyTorch, `--malloc steady`", lambda r: ratio_cell(r["train"], r["steady"]))]
    head = "| " + a.model + " model, images/s | " + " | ".join(f"{t} thread{'s' * (t > 1)}" for t in a.threads) + " |"
    lines = [head, "| --- |" + " --- |" * len(a.threads)]
    lines += ["| " + name + " | " + " | ".join(cell(runs[t]) for t in a.threads) + " |" for name, cell in rows]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=["dense", "conv"], default="conv")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--epochs", type=int, default=3, help="latent train's epochs per round")
    p.add_argument("--torch-epochs", type=int, default=4, help="PyTorch's epochs per round, each way")
    p.add_argument("--latent", default=os.path.join(ROOT, "build/native/latent"))
    a = p.parse_args()
    a.threads = [int(t) for t in a.threads.split(",")]
    if importlib.util.find_spec("torch") is None:
        print(f"bench-native.py: {sys.executable} has no torch (Debian's python3-torch: scripts/setup.sh pytorch)")
        sys.exit(77)  # ctest reads 77 as skipped
    runs = measure(a)
    print(json.dumps({"model": a.model, "rounds": a.rounds, "runs": runs}))
    print(table(a, runs))


if __name__ == "__main__":
    main()
