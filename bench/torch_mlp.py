#!/usr/bin/env python3
"""PyTorch peer for the end-to-end benchmarks: on the CPU for scripts/bench.sh, on CUDA
(--device cuda, eager, TF32 off) for bench/gpu.sh.

Trains the same network as `deltaprop train` does by default (784-256-128-10, ReLU,
softmax + categorical cross-entropy, Adam lr 1e-3, mini-batches of 128, pixels / 255,
reshuffled every epoch) on Fashion-MNIST and prints one JSON line per epoch with its
seconds, plus the final test accuracy. Data loading is outside the timed region, as in
Deltaprop's per-epoch figure; each step does what Deltaprop's does (forward, loss,
backward, update, and the running accuracy from the batch's outputs). On CUDA the data
lives on the GPU, as Deltaprop's does when it fits the device, and the epoch's loss and
count of correct predictions are summed there and read once at its end, as Deltaprop
reads them, so that no step waits for the host.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch


def idx(path, offset):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--hidden", default="256,128")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False  # FP32 products, as Deltaprop's
        torch.backends.cudnn.allow_tf32 = False
    x = torch.tensor(idx(f"{a.data}/train-images-idx3-ubyte.gz", 16).reshape(-1, 784), dtype=torch.float32) / 255
    y = torch.tensor(idx(f"{a.data}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
    xt = torch.tensor(idx(f"{a.data}/t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784), dtype=torch.float32) / 255
    yt = torch.tensor(idx(f"{a.data}/t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))
    x, y, xt, yt = x.to(device), y.to(device), xt.to(device), yt.to(device)

    sizes = [784] + [int(h) for h in a.hidden.split(",")] + [10]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    for epoch in range(1, a.epochs + 1):
        sync(device)
        start = time.perf_counter()
        order = torch.randperm(len(x), device=device)
        total = torch.zeros((), device=device)
        correct = torch.zeros((), dtype=torch.int64, device=device)
        for i in range(0, len(x), a.batch):
            idx_ = order[i:i + a.batch]
            xb, yb = x[idx_], y[idx_]
            out = model(xb)
            loss = loss_fn(out, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(idx_)
            correct += (out.argmax(1) == yb).sum()
        total, correct = total.item(), correct.item()  # waits for the epoch's last step
        seconds = time.perf_counter() - start
        print(json.dumps({"epoch": epoch, "seconds": seconds, "loss": total / len(x), "accuracy": correct / len(x)}),
              flush=True)
    with torch.no_grad():
        accuracy = (model(xt).argmax(1) == yt).float().mean().item()
    print(json.dumps({"test_accuracy": accuracy, "threads": a.threads, "device": a.device, "torch": torch.__version__}),
          flush=True)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


if __name__ == "__main__":
    main()
