#!/usr/bin/env bash
# The GPU figures of docs/BENCHMARKS.md, on a machine with an NVIDIA GPU, its driver and
# PyTorch (CUDA) but no Java: run from the repository root with, in $CARRY (default
# .carry), a jlink'd runtime jre.tgz (java.base, java.logging, java.management,
# jdk.management, jdk.unsupported, jdk.incubator.vector, jdk.zipfs), bench/target/benchmarks.jar,
# core/target/test-classes as test-classes/ and junit-platform-console-standalone.jar.
# For the whole-epoch table, Fashion-MNIST's four .gz files in $CARRY/fashion-mnist (30 MB).
# Writes what it measured under $OUT (default out/gpu):
#   info.txt          deltaprop info: platforms, devices, what auto picks
#   conformance.txt   the conformance suite (every backend required) and the OpenCL and SIMD tests
#   gemm.json, step.json   JMH, OpenCL backend; the shapes include the weight gradients δᵀ·X (tn-…)
#                     with k = B = 1024 and 4096, of the default and the wide network
#   torch.csv         cuBLAS FP32 (TF32 off) on the same shapes, PyTorch's training step
#   epochs.md         whole epochs of Fashion-MNIST, Deltaprop on OpenCL against PyTorch CUDA (eager,
#                     same network, batch, Adam and constant learning rate), seconds per epoch
#                     (median of epochs 2..N), samples/s and test accuracy; the logs beside it
# EPOCHS (default 5) sets the epochs of each run, RUNS="784-256-128-10:128 ..." the networks and
# batches (default: 784-256-128-10 at 128 and 1024, 784-4096-4096-10 at 1024).
# TUNE="MWG=128,NWG=128;KWG=32" first times GEMM at 4096³ with each set of -Ddeltaprop.opencl.gemm
# knobs (tune.txt). A failing step is reported and the later ones still run.
set -uo pipefail
CARRY=${CARRY:-.carry}
OUT=${OUT:-out/gpu}
mkdir -p "$OUT" /tmp/deltaprop-gpu
tar -C /tmp/deltaprop-gpu -xzf "$CARRY/jre.tgz"
java=(/tmp/deltaprop-gpu/jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

# NVIDIA's OpenCL library comes with the driver; register it if no ICD file names it.
if ! grep -qs nvidia /etc/OpenCL/vendors/*.icd; then
  lib=$(ls /usr/local/nvidia/lib64/libnvidia-opencl.so.1 /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 2>/dev/null | head -n 1)
  [ -n "$lib" ] || { echo "no libnvidia-opencl.so.1 found" >&2; exit 1; }
  mkdir -p /tmp/deltaprop-gpu/icd && echo "$lib" >/tmp/deltaprop-gpu/icd/nvidia.icd
  export OCL_ICD_VENDORS=/tmp/deltaprop-gpu/icd
fi
export DELTAPROP_DEVICE_PROPS="-Ddeltaprop.opencl.device=${DEVICE:-nvidia}"
jvm_args="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED $DELTAPROP_DEVICE_PROPS"

IFS=';' read -ra tunings <<<"${TUNE:-}"
for knobs in "${tunings[@]}"; do
  printf '%s  ' "$knobs" | tee -a "$OUT/tune.txt"
  "${java[@]}" -jar "$CARRY/benchmarks.jar" GemmBenchmark -p backend=opencl -p shape=nn-4096-4096-4096 \
      -jvmArgsAppend "$jvm_args -Ddeltaprop.opencl.gemm=$knobs" -wi 2 -w 1 -i 3 -r 1 2>&1 |
    awk '/^GemmBenchmark.gemm:p0.50/ {printf "median %.0f us, %.0f GFLOP/s\n", $(NF-1), 2 * 4096^3 / ($(NF-1) * 1e3)} /Exception|ERROR|error:/ {print}' |
    head -3 | tee -a "$OUT/tune.txt"
done

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$OUT/info.txt"
"${java[@]}" $DELTAPROP_DEVICE_PROPS -cp "$CARRY/benchmarks.jar" org.deltaprop.cli.Main info 2>&1 | tee -a "$OUT/info.txt"

"${java[@]}" $DELTAPROP_DEVICE_PROPS -Ddeltaprop.conformance.require=scalar,simd,opencl -Djava.awt.headless=true \
    -jar "$CARRY"/junit-platform-console-standalone*.jar execute --details=tree --disable-banner \
    -cp "$CARRY/test-classes:$CARRY/benchmarks.jar" \
    --select-class org.deltaprop.conformance.BackendConformanceTest --select-package org.deltaprop.backend.opencl --select-package org.deltaprop.backend.simd \
    2>&1 | tee "$OUT/conformance.txt" || echo "CONFORMANCE FAILED on the GPU (see conformance.txt)"

"${java[@]}" -jar "$CARRY/benchmarks.jar" GemmBenchmark -p backend=opencl -jvmArgsAppend "$jvm_args" \
    -p shape="${SHAPES:-nn-4096-4096-4096,nn-2048-2048-2048,nn-1024-1024-1024,nt-1024-256-784,nn-1024-784-256,tn-256-784-1024,nt-1024-128-256,nn-1024-256-128,tn-128-256-1024,nt-1024-10-128,nn-1024-128-10,tn-10-128-1024,tn-256-784-4096,tn-128-256-4096,tn-4096-784-1024,tn-4096-4096-1024,tn-4096-4096-4096}" \
    -rf json -rff "$OUT/gemm.json" 2>&1 | grep -E '^GemmBenchmark.gemm:p0.50' | tail -20
"${java[@]}" -jar "$CARRY/benchmarks.jar" TrainStepBenchmark -p backend=opencl -jvmArgsAppend "$jvm_args" \
    -rf json -rff "$OUT/step.json" 2>&1 | grep -E '^TrainStepBenchmark.step:p0.50' | tail -5
PYTHONUNBUFFERED=1 python3 bench/torch_gemm_cuda.py nn-4096-4096-4096 nn-2048-2048-2048 nn-1024-1024-1024 \
    nt-1024-256-784 nn-1024-784-256 tn-256-784-1024 nt-1024-128-256 nn-1024-256-128 tn-128-256-1024 \
    nt-1024-10-128 nn-1024-128-10 tn-10-128-1024 tn-256-784-4096 tn-128-256-4096 tn-4096-784-1024 \
    tn-4096-4096-1024 tn-4096-4096-4096 | tee "$OUT/torch.csv"

# Whole epochs, the two side by side, each configuration one after the other in this run.
data="$CARRY/fashion-mnist"
if [ -f "$data/train-images-idx3-ubyte.gz" ]; then
  epochs=${EPOCHS:-5}
  for run in ${RUNS:-784-256-128-10:128 784-256-128-10:1024 784-4096-4096-10:1024}; do
    net=${run%%:*} batch=${run##*:}
    hidden=${net#*-}; hidden=${hidden%-*}; hidden=${hidden//-/,}
    log="$OUT/epochs-$net-b$batch"
    "${java[@]}" $DELTAPROP_DEVICE_PROPS -Djava.awt.headless=true -cp "$CARRY/benchmarks.jar" org.deltaprop.cli.Main \
        train --backend opencl --train "$data/train-images-idx3-ubyte.gz" --test "$data/t10k-images-idx3-ubyte.gz" \
        --hidden "$hidden" --batch "$batch" --epochs "$epochs" --schedule constant --scale 255 --no-progress \
        -o "/tmp/deltaprop-gpu/$net-$batch.safetensors" >"$log-deltaprop.txt" 2>&1 ||
      echo "deltaprop train $net batch $batch FAILED (see $log-deltaprop.txt)"
    PYTHONUNBUFFERED=1 python3 bench/torch_mlp.py --device cuda --data "$data" --hidden "$hidden" --batch "$batch" \
        --epochs "$epochs" >"$log-torch.txt" 2>&1 || echo "PyTorch $net batch $batch FAILED (see $log-torch.txt)"
  done
  python3 bench/gpu_epochs.py "$OUT" | tee "$OUT/epochs.md"
else
  echo "no $data/train-images-idx3-ubyte.gz: the whole-epoch table is skipped"
fi
