#!/usr/bin/env bash
# End-to-end training benchmark: Deltaprop against PyTorch CPU on the same job, in the
# same run — 784-256-128-10 ReLU/softmax, cross-entropy, Adam, batch 128, Fashion-MNIST,
# at 1 and 2 threads. Prints the median seconds per epoch (epochs 2..N, so the JIT's and
# PyTorch's warm-up epoch is left out), their ratio, and the epoch's GEMM bound: its
# 60.4 GFLOP of products at OpenBLAS's 1024³ rate, measured in the same run at each thread
# count. Then the speed-up from 1 to 2 threads of each. Called by scripts/bench.sh;
# runnable alone: bench/e2e.sh [--epochs N] [--backend NAME] [--threads "1 2"].
# PyTorch and OpenBLAS run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (see bench.sh).
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
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$epochs" -ge 2 ] || die "--epochs must be at least 2 (the first epoch is warm-up)"

find_jdk
find_maven
apt_ensure dataset-fashion-mnist python3-torch python3-numpy libopenblas0-pthread ||
  die "the end-to-end benchmark needs dataset-fashion-mnist, python3-torch and libopenblas0-pthread"
build_jar

peer() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@"; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The products of one epoch: per row, forward X·Wᵀ and the weight gradient δᵀ·X for every
# layer, δ·W for every layer but the first, 2 flops per multiply-add.
sizes="784 256 128 10"
rows=60000
gflop=$(awk -v rows="$rows" -v s="$sizes" 'BEGIN {n = split(s, a, " "); f = 0;
  for (i = 1; i < n; i++) f += (i == 1 ? 4 : 6) * a[i] * a[i + 1]; printf "%.2f", f * rows / 1e9}')

printf '\nEnd-to-end training, Fashion-MNIST 784-256-128-10, Adam, batch 128, %d epochs (median of epochs 2..%d)\n' "$epochs" "$epochs"
printf 'GEMM bound: the epoch'"'"'s %s GFLOP of products at OpenBLAS'"'"'s nn-1024-1024-1024 rate at the same thread count\n' "$gflop"
printf '%-8s %-20s %-20s %-12s %-16s %s\n' threads "deltaprop $backend s" "PyTorch CPU s" "/ PyTorch" "GEMM bound s" "/ bound"
declare -A dp_at pt_at blas_at
for t in $threads_list; do
  "$DELTAPROP_ROOT/scripts/deltaprop" train --backend "$backend" --threads "$t" --epochs "$epochs" \
      --schedule constant --test none --curve none --no-progress -o "$tmp/m.safetensors" >"$tmp/dp.txt" 2>"$tmp/dp.err" ||
    { cat "$tmp/dp.err" >&2; die "deltaprop train failed"; }
  dp=$(awk '/^epoch/ && $2 > 1 {print $(NF-1)}' "$tmp/dp.txt" | median)
  OMP_NUM_THREADS="$t" peer /usr/bin/python3 "$DELTAPROP_ROOT/bench/torch_mlp.py" --threads "$t" --epochs "$epochs" >"$tmp/pt.txt" ||
    die "the PyTorch run failed"
  pt=$(/usr/bin/python3 -c 'import json,sys; print("\n".join(str(json.loads(l)["seconds"]) for l in open(sys.argv[1]) if "\"epoch\"" in l and json.loads(l)["epoch"] > 1))' "$tmp/pt.txt" | median)
  us=$(peer /usr/bin/python3 "$DELTAPROP_ROOT/bench/openblas_sgemm.py" --threads "$t" --seconds 2 nn-1024-1024-1024 | cut -d, -f3)
  bound=$(awk -v g="$gflop" -v us="$us" 'BEGIN {printf "%.3f", g / (2 * 1024^3 / (us * 1e3))}')
  ratio=$(awk -v a="$dp" -v b="$pt" 'BEGIN {printf "%.2f", a / b}')
  over=$(awk -v a="$dp" -v b="$bound" 'BEGIN {printf "%.2f", a / b}')
  printf '%-8s %-20.3f %-20.3f %-12s %-16s %s\n' "$t" "$dp" "$pt" "$ratio" "$bound" "$over"
  dp_at[$t]=$dp; pt_at[$t]=$pt; blas_at[$t]=$us
  [ -n "$results" ] && printf 'e2e,%s,%s,%s,%s,%s,%s\n' "$t" "$dp" "$pt" "$ratio" "$bound" "$over" >>"$results"
done
if [ -n "${dp_at[1]:-}" ] && [ -n "${dp_at[2]:-}" ]; then
  awk -v d1="${dp_at[1]}" -v d2="${dp_at[2]}" -v p1="${pt_at[1]}" -v p2="${pt_at[2]}" -v b1="${blas_at[1]}" \
      -v b2="${blas_at[2]}" 'BEGIN {printf "speed-up from 1 to 2 threads: deltaprop %.2f×, PyTorch %.2f×, OpenBLAS at 1024³ %.2f×\n",
      d1 / d2, p1 / p2, b1 / b2}'
fi
