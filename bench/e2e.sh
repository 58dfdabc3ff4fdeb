#!/usr/bin/env bash
# End-to-end training benchmark: Deltaprop against PyTorch CPU on the same job, in the
# same run — 784-256-128-10 ReLU/softmax, cross-entropy, Adam, batch 128, Fashion-MNIST,
# at 1 and 2 threads. Prints the median seconds per epoch (epochs 2..N, so the JIT's and
# PyTorch's warm-up epoch is left out) and their ratio. Called by scripts/bench.sh;
# runnable alone: bench/e2e.sh [--epochs N] [--backend NAME] [--threads "1 2"].
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

epochs=4
backend=simd
threads_list="1 2"
results=""
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --threads) threads_list="$2"; shift 2 ;;
    --results) results="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$epochs" -ge 2 ] || die "--epochs must be at least 2 (the first epoch is warm-up)"

find_jdk
find_maven
apt_ensure dataset-fashion-mnist python3-torch python3-numpy || die "the end-to-end benchmark needs dataset-fashion-mnist and python3-torch"
build_jar

median() { sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '\nEnd-to-end training, Fashion-MNIST 784-256-128-10, Adam, batch 128, %d epochs (median of epochs 2..%d)\n' "$epochs" "$epochs"
printf '%-8s %-22s %-22s %s\n' threads "deltaprop $backend s/epoch" "PyTorch CPU s/epoch" "deltaprop / PyTorch"
for t in $threads_list; do
  "$DELTAPROP_ROOT/scripts/deltaprop" train --backend "$backend" --threads "$t" --epochs "$epochs" \
      --schedule constant --test none --curve none --no-progress -o "$tmp/m.safetensors" >"$tmp/dp.txt" 2>"$tmp/dp.err" ||
    { cat "$tmp/dp.err" >&2; die "deltaprop train failed"; }
  dp=$(awk '/^epoch/ && $2 > 1 {print $(NF-1)}' "$tmp/dp.txt" | median)
  OMP_NUM_THREADS="$t" /usr/bin/python3 "$DELTAPROP_ROOT/bench/torch_mlp.py" --threads "$t" --epochs "$epochs" >"$tmp/pt.txt" ||
    die "the PyTorch run failed"
  pt=$(/usr/bin/python3 -c 'import json,sys; print("\n".join(str(json.loads(l)["seconds"]) for l in open(sys.argv[1]) if "\"epoch\"" in l and json.loads(l)["epoch"] > 1))' "$tmp/pt.txt" | median)
  ratio=$(awk -v a="$dp" -v b="$pt" 'BEGIN {printf "%.2f", a / b}')
  printf '%-8s %-22.3f %-22.3f %s\n' "$t" "$dp" "$pt" "$ratio"
  [ -n "$results" ] && printf 'e2e,%s,%s,%s,%s\n' "$t" "$dp" "$pt" "$ratio" >>"$results"
done
