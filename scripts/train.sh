#!/usr/bin/env bash
# The main job: train 784-256-128-10 on Fashion-MNIST with the best backend available,
# report test accuracy and time, and save the model and its learning curve under out/.
# Installs Debian's dataset-fashion-mnist when it is missing (as root). Extra arguments
# go to `deltaprop train` (see scripts/deltaprop train --help), e.g. --epochs 20.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  apt_ensure dataset-fashion-mnist || die "Fashion-MNIST is missing: apt-get install dataset-fashion-mnist"
fi
# out/fashion-mnist.safetensors unless the arguments name the model file themselves.
out=(-o "$DELTAPROP_ROOT/out/fashion-mnist.safetensors")
for arg in "$@"; do
  case "$arg" in -o|--out|--out=*|-o?*) out=() ;; esac
done
mkdir -p "$DELTAPROP_ROOT/out"
exec "$DELTAPROP_ROOT/scripts/deltaprop" train "${out[@]}" "$@"
