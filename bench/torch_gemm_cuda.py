#!/usr/bin/env python3
"""cuBLAS FP32 peer figures for the OpenCL backend on an NVIDIA GPU (docs/BENCHMARKS.md).

Times torch.matmul in float32 with TF32 off (so cuBLAS does true FP32 FMA, as the OpenCL
kernels do) on the shapes of GemmBenchmark plus 4096³, and one training step of the
Fashion-MNIST network (784-256-128-10, ReLU, softmax + cross-entropy, Adam) at B = 128
and 1024. Median of CUDA-event timings after warm-up. Prints CSV lines:
gemm,<op-m-n-k>,<median_us>,<GFLOP/s> and step,<batch>,<median_us>,<samples/s>.
"""
import sys

import torch


def median_us(fn, reps=50, warmup=10):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1e3)
    times.sort()
    return times[len(times) // 2]


def main():
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    dev = torch.device("cuda")
    print(f"# {torch.cuda.get_device_name(0)}, torch {torch.__version__}, CUDA {torch.version.cuda}, TF32 off",
          flush=True)
    shapes = sys.argv[1:] or ["nn-4096-4096-4096", "nn-2048-2048-2048", "nn-1024-1024-1024"]
    for shape in shapes:
        op, m, n, k = shape.split("-")
        m, n, k = int(m), int(n), int(k)
        a = torch.rand((k, m) if op[0] == "t" else (m, k), device=dev) * 2 - 1
        b = torch.rand((n, k) if op[1] == "t" else (k, n), device=dev) * 2 - 1
        a = a.t() if op[0] == "t" else a
        b = b.t() if op[1] == "t" else b
        c = torch.empty((m, n), device=dev)
        us = median_us(lambda: torch.matmul(a, b, out=c), reps=20 if m * n * k > 1e10 else 100)
        print(f"gemm,{shape},{us:.2f},{2 * m * n * k / us / 1e3:.1f}", flush=True)

    for batch in (128, 1024):
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                    torch.nn.ReLU(), torch.nn.Linear(128, 10)).to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
        x = torch.rand(batch, 784, device=dev)
        y = torch.randint(0, 10, (batch,), device=dev)

        def step():
            loss = loss_fn(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        us = median_us(step, reps=200)
        print(f"step,{batch},{us:.2f},{batch / us * 1e6:.0f}", flush=True)


if __name__ == "__main__":
    main()
