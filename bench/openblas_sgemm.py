#!/usr/bin/env python3
"""OpenBLAS sgemm on the shapes of GemmBenchmark, for the side-by-side ratio in scripts/bench.sh.

Times numpy's float32 matmul (which calls cblas_sgemm, with the transposes passed as flags
when an operand is a transposed view) and prints one CSV line per shape:
shape,threads,median_us. The thread count must be fixed before numpy loads OpenBLAS, so it
is set from --threads at start-up. Refuses to run unless OpenBLAS really is the BLAS in use
(Debian's numpy uses whatever libblas.so.3 points to; libopenblas0-pthread provides it).
"""
import argparse
import os
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--seconds", type=float, default=2.0, help="time to spend per shape (after one warm-up second)")
    p.add_argument("shapes", nargs="+", help="op-m-n-k, e.g. nt-128-256-784")
    a = p.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    import numpy as np

    with open("/proc/self/maps") as maps:
        if "openblas" not in maps.read():
            sys.exit("openblas_sgemm.py: numpy is not using OpenBLAS here "
                     "(install libopenblas0-pthread, or select it: update-alternatives --config libblas.so.3-x86_64-linux-gnu)")

    rng = np.random.default_rng(1)
    for shape in a.shapes:
        op, m, n, k = shape.split("-")
        m, n, k = int(m), int(n), int(k)
        A = rng.uniform(-1, 1, (k, m) if op[0] == "t" else (m, k)).astype(np.float32)
        B = rng.uniform(-1, 1, (n, k) if op[1] == "t" else (k, n)).astype(np.float32)
        A = A.T if op[0] == "t" else A
        B = B.T if op[1] == "t" else B
        C = np.empty((m, n), np.float32)
        times = []
        end_warmup = time.perf_counter() + 1.0
        while time.perf_counter() < end_warmup:
            np.matmul(A, B, out=C)
        end = time.perf_counter() + a.seconds
        while time.perf_counter() < end or len(times) < 5:
            t0 = time.perf_counter()
            np.matmul(A, B, out=C)
            times.append(time.perf_counter() - t0)
        times.sort()
        median = times[len(times) // 2]
        print(f"{shape},{a.threads},{median * 1e6:.3f}", flush=True)


if __name__ == "__main__":
    main()
