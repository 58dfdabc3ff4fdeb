#!/usr/bin/env bash
# Describes the machine a benchmark ran on, as Markdown lines for the report: the CPU (model,
# family, vector extensions, cores), the JDK and the Vector API width Deltaprop uses, and the
# peers as they run in bench.sh (OpenBLAS's version and the kernel it picks with
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, PyTorch's version).
# Usage: bench/machine.sh JAVA... (the java command line that runs Deltaprop, jar included)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
family=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
model=$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
flags=" $(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1) "
extensions=""
for f in avx2 fma avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_fp16 amx_tile; do
  case "$flags" in *" $f "*) extensions+="${extensions:+, }$f" ;; esac
done
echo "- CPU: ${cpu:-unknown} (family $family, model $model), $(nproc) cores; vector extensions: ${extensions:-none of AVX2/AVX-512}"

info=$("$@" info 2>/dev/null)
echo "- JDK: $(sed -n 's/^JDK: //p' <<<"$info" | sed 's/, [0-9]* cores.*//')"
echo "- simd backend: $(sed -n 's/^ *simd *usable *//p' <<<"$info")"
echo "- OpenCL backend: $(sed -n 's/^ *opencl *//p' <<<"$info" | sed 's/  */ /g')"

# The peers run with the environment's OpenBLAS overrides removed (see bench.sh).
core=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_VERBOSE=2 /usr/bin/python3 -c 'import numpy' 2>&1 |
  sed -n 's/^Core: //p' | head -n 1)
blas=$(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null)
echo "- OpenBLAS ${blas:-?} (Debian's libopenblas0-pthread, through numpy): kernel $core, chosen by OpenBLAS itself" \
  "(OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for the peers only; here they are" \
  "'${OPENBLAS_CORETYPE:-unset}' and '${OPENBLAS_L2_SIZE:-unset}')"
torch=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null)
[ -n "$torch" ] && echo "- PyTorch $torch (Debian's python3-torch, CPU), same OpenBLAS environment"
echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
