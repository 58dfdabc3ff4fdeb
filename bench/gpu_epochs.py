#!/usr/bin/env python3
"""The whole-epoch table of bench/gpu.sh: reads its logs (epochs-NET-bB-deltaprop.txt, the
output of `deltaprop train`, and epochs-NET-bB-torch.txt, bench/torch_mlp.py's JSON lines)
from the folder given and prints a Markdown table. Seconds per epoch are the median of
epochs 2..N: the first pays for kernel builds and, on PyTorch, for CUDA's lazy start."""
import glob
import json
import os
import re
import statistics
import sys

EPOCH = re.compile(r"^epoch\s+(\d+)\s.*?([\d.]+) s\s*$")
TEST = re.compile(r"^test: .*accuracy ([\d.]+)")


def deltaprop(path):
    seconds, accuracy = [], None
    for line in open(path, encoding="utf-8", errors="replace"):
        if m := EPOCH.match(line.strip()):
            seconds.append(float(m.group(2)))
        elif m := TEST.match(line.strip()):
            accuracy = float(m.group(1))
    return seconds, accuracy


def torch(path):
    seconds, accuracy = [], None
    for line in open(path, encoding="utf-8", errors="replace"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if "seconds" in record:
            seconds.append(record["seconds"])
        accuracy = record.get("test_accuracy", accuracy)
    return seconds, accuracy


def per_epoch(seconds):
    steady = seconds[1:] or seconds
    return statistics.median(steady) if steady else None


def main(folder):
    print("| network | batch | Deltaprop s/epoch | PyTorch CUDA s/epoch | ratio | Deltaprop samples/s "
          "| PyTorch samples/s | Deltaprop test acc. | PyTorch test acc. |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for ours_log in sorted(glob.glob(os.path.join(folder, "epochs-*-deltaprop.txt"))):
        name = os.path.basename(ours_log)[len("epochs-"):-len("-deltaprop.txt")]
        net, batch = name.rsplit("-b", 1)
        ours, ours_acc = deltaprop(ours_log)
        theirs, theirs_acc = torch(ours_log.replace("-deltaprop.txt", "-torch.txt"))
        a, b = per_epoch(ours), per_epoch(theirs)
        cell = lambda v, f: f.format(v) if v is not None else "failed"
        print(f"| {net} | {batch} | {cell(a, '{:.3f}')} | {cell(b, '{:.3f}')} "
              f"| {cell(a / b if a and b else None, '{:.2f}×')} | {cell(60000 / a if a else None, '{:,.0f}')} "
              f"| {cell(60000 / b if b else None, '{:,.0f}')} | {cell(ours_acc, '{:.4f}')} | {cell(theirs_acc, '{:.4f}')} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/gpu")
