#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz, built by the asan preset with clang-14) for SECONDS each (default 20; one
# per core at a time),
# starting from the seed corpus in tests/fuzz/corpus (copied to build/fuzz/corpus, so what the fuzzer adds stays
# out of the repository), under ASan and UBSan:
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]       e.g. scripts/fuzz.sh 600 fuzz_safetensors
#
# A crash, a leak, a sanitizer report, an input slower than 10 s or one that needs more than 2 GB fails the run
# and leaves the input in build/fuzz/artifacts/; turn it into a regression test (docs/robustness.md).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_idx fuzz_gzip fuzz_safetensors fuzz_sketch fuzz_link_settings fuzz_user_files fuzz_checkpoint)

scripts/setup.sh native fuzz
cmake --preset asan >/dev/null
cmake --build --preset asan

mkdir -p build/fuzz/artifacts
# One target per core at a time (each fuzzer runs on one thread).
run_target() {
  local target="$1" work="build/fuzz/corpus/$1"
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true
  if ! build/asan/tests/fuzz/"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$target-" "$work" 2>"build/fuzz/$target.log"; then
    tail -40 "build/fuzz/$target.log" >&2
    echo "fuzz.sh: $target failed; the input is in build/fuzz/artifacts/" >&2
    return 1
  fi
}
jobs_max="$(nproc)"
declare -A pids=()
status=0
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || status=1; done
  echo "== $target for ${seconds} s"
  run_target "$target" &
  pids[$target]=$!
done
for target in "${targets[@]}"; do wait "${pids[$target]}" || status=1; done
for target in "${targets[@]}"; do
  echo "$target: $(grep -E '^stat::number_of_executed_units' "build/fuzz/$target.log" | tail -1)"
done
exit $status
