#!/usr/bin/env bash
# Large-data benchmark: training from a store against training from memory, side by side in
# one run, then a store several times larger than the memory it is given.
#  1. Page cache: Fashion-MNIST's 60,000 training rows from memory (IDX) and from a store made
#     of the same rows by `deltaprop convert`, per backend; median samples/s of epochs 2..N.
#  2. Larger than memory: the 8-million-row deformed Fashion-MNIST store (6.3 GB; made by
#     `deltaprop generate fashion-mnist-large` when missing) trained in a memory cgroup of
#     --limit bytes for the whole process, page cache included, after the page cache is
#     dropped; --order auto picks the block shuffle. Reports samples/s, the process's peak
#     resident memory, the cgroup's peak (page cache included), the JVM's CPU time (which a loaded
#     machine changes less than the rate), the disk read rate and the test accuracy on the real
#     Fashion-MNIST test set. DELTAPROP_JAVA_OPTS=-Ddeltaprop.store.readAhead=false gathers from
#     the mapping instead of reading blocks ahead, to compare.
# Needs root (cgroup v1 memory controller, drop_caches). Runnable alone:
#   bench/large.sh [--store DIR] [--limit 2G] [--epochs N] [--large-epochs N] [--backends "simd opencl"]
#                  [--parts "1 2"]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

store=/work/data/fm8m
limit=2G
epochs=3
large_epochs=1
backends="simd opencl"
parts="1 2"
while [ $# -gt 0 ]; do
  case "$1" in
    --store) store="$2"; shift 2 ;;
    --limit) limit="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --large-epochs) large_epochs="$2"; shift 2 ;;
    --backends) backends="$2"; shift 2 ;;
    --parts) parts="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$epochs" -ge 2 ] || die "--epochs must be at least 2 (the first epoch is warm-up)"
[ "$(id -u)" = 0 ] || die "run as root: the benchmark sets a memory cgroup and drops the page cache"

find_jdk
find_maven
apt_ensure dataset-fashion-mnist || die "the benchmark needs dataset-fashion-mnist"
build_jar
dp="$DELTAPROP_ROOT/scripts/deltaprop"
tmp=$(mktemp -d)
cgroup=/sys/fs/cgroup/memory/deltaprop-bench-$$
trap 'rmdir "$cgroup" 2>/dev/null || true; rm -rf "$tmp"' EXIT
median() { sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
# Samples/s of epochs 2.. from a train log ("epoch   2  loss … 123,456 samples/s …").
rate() { grep -E '^epoch +[0-9]+' "$1" | tail -n +2 | sed -E 's/.* ([0-9,]+) samples\/s.*/\1/; s/,//g' | median; }

bash "$DELTAPROP_ROOT/bench/machine.sh" 2>/dev/null || true

if [[ " $parts " == *" 1 "* ]]; then
echo "== 1. the same 60,000 rows from memory and from a store (page cache warm), $epochs epochs"
"$dp" convert /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
  -o "$tmp/fm-store" >/dev/null
cat "$tmp"/fm-store/*.npy >/dev/null
printf '%-8s %14s %14s %7s\n' backend "memory (s⁻¹)" "store (s⁻¹)" ratio
for backend in $backends; do
  for source in memory store; do
    data=fashion-mnist
    [ "$source" = store ] && data="$tmp/fm-store"
    "$dp" train --train "$data" --test none --epochs "$epochs" --backend "$backend" --curve none \
      -o "$tmp/m.safetensors" >"$tmp/$backend-$source.log" 2>&1 || { cat "$tmp/$backend-$source.log"; die "training failed"; }
  done
  m=$(rate "$tmp/$backend-memory.log"); s=$(rate "$tmp/$backend-store.log")
  printf '%-8s %14.0f %14.0f %7.3f\n' "$backend" "$m" "$s" "$(echo "$s / $m" | bc -l)"
done
memory_rate=$(rate "$tmp/simd-memory.log")
fi
[[ " $parts " == *" 2 "* ]] || exit 0

echo "== 2. $store trained in a cgroup of $limit (page cache included), $large_epochs epoch(s), simd"
if [ ! -f "$store/store.json" ]; then
  "$dp" generate fashion-mnist-large --rows 8000000 -o "$store"
fi
du -sh "$store"
mkdir "$cgroup"
echo "$limit" >"$cgroup/memory.limit_in_bytes"
sync
echo 3 >/proc/sys/vm/drop_caches
(
  echo $BASHPID >"$cgroup/cgroup.procs"
  exec "$dp" train --train "$store" --test fashion-mnist --epochs "$large_epochs" --backend simd --curve none \
    --no-progress -o "$tmp/large.safetensors"
) >"$tmp/large.log" 2>&1 &
runner=$!
peak_rss=0
cpu_ticks=0
read_start=$(awk '$3 ~ /^(vda|sda|nvme0n1)$/ {print $6}' /proc/diskstats | head -1)
start=$(date +%s.%N)
while kill -0 "$runner" 2>/dev/null; do
  for pid in $(cat "$cgroup/cgroup.procs" 2>/dev/null); do
    rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak_rss" ] && peak_rss=$rss
  done
  # The JVM's CPU time (user + system, every thread, reclaim in its context included), last seen.
  ticks=$(awk '{print $14 + $15}' "/proc/$runner/stat" 2>/dev/null || echo 0)
  [ "${ticks:-0}" -gt "$cpu_ticks" ] && cpu_ticks=$ticks
  sleep 1
done
wait "$runner" || { cat "$tmp/large.log"; die "the large run failed"; }
seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
read_end=$(awk '$3 ~ /^(vda|sda|nvme0n1)$/ {print $6}' /proc/diskstats | head -1)
cgroup_peak=$(cat "$cgroup/memory.max_usage_in_bytes")
grep -E '^(order|epoch|test|time)|store reads' "$tmp/large.log"
large_rate=$(grep -E '^epoch +[0-9]+' "$tmp/large.log" | sed -E 's/.* ([0-9,]+) samples\/s.*/\1/; s/,//g' | median)
if [ -n "${memory_rate:-}" ]; then
  printf 'samples/s: %.0f from the store in %s, %.0f from memory (part 1): ratio %.3f\n' "$large_rate" "$limit" \
    "$memory_rate" "$(echo "$large_rate / $memory_rate" | bc -l)"
fi
printf 'peak resident memory of the JVM: %d MB; peak of the cgroup (page cache included): %d MB\n' \
  $((peak_rss / 1024)) $((cgroup_peak / 1048576))
printf 'CPU time of the JVM: %.0f s in %.0f s (start-up, the epochs and the test)\n' \
  "$(echo "$cpu_ticks / $(getconf CLK_TCK)" | bc -l)" "$seconds"
printf 'disk reads: %d MB in %.0f s, %.0f MB/s\n' $(((read_end - read_start) / 2048)) "$seconds" \
  "$(echo "($read_end - $read_start) / 2048 / $seconds" | bc -l)"
