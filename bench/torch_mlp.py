#!/usr/bin/env python3
"""PyTorch CPU peer for the end-to-end benchmark (scripts/bench.sh runs it).

Trains the same network as `deltaprop train` does by default (784-256-128-10, ReLU,
softmax + categorical cross-entropy, Adam lr 1e-3, mini-batches of 128, pixels / 255,
reshuffled every epoch) on Fashion-MNIST and prints one JSON line per epoch with its
seconds, plus the final test accuracy. Data loading is outside the timed region, as in
Deltaprop's per-epoch figure; each step does what Deltaprop's does (forward, loss,
backward, update, and the running accuracy from the batch's outputs).
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
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = torch.tensor(idx(f"{a.data}/train-images-idx3-ubyte.gz", 16).reshape(-1, 784), dtype=torch.float32) / 255
    y = torch.tensor(idx(f"{a.data}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
    xt = torch.tensor(idx(f"{a.data}/t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784), dtype=torch.float32) / 255
    yt = torch.tensor(idx(f"{a.data}/t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))

    sizes = [784] + [int(h) for h in a.hidden.split(",")] + [10]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    for epoch in range(1, a.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        total, correct = 0.0, 0
        for i in range(0, len(x), a.batch):
            idx_ = order[i:i + a.batch]
            xb, yb = x[idx_], y[idx_]
            out = model(xb)
            loss = loss_fn(out, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx_)
            correct += (out.argmax(1) == yb).sum().item()
        seconds = time.perf_counter() - start
        print(json.dumps({"epoch": epoch, "seconds": seconds, "loss": total / len(x), "accuracy": correct / len(x)}),
              flush=True)
    with torch.no_grad():
        accuracy = (model(xt).argmax(1) == yt).float().mean().item()
    print(json.dumps({"test_accuracy": accuracy, "threads": a.threads, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
