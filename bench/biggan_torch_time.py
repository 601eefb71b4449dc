#!/usr/bin/python3
"""PyTorch float32 time per frame of the BigGAN-deep generator, for bench_biggan's ratio.

usage: biggan_torch_time.py RESOLUTION BATCH [THREADS]
Runs tools/biggan_reference.py's forward pass (float32, torch.set_num_threads(THREADS), default 2)
on /work/fullsize/<R>/pytorch_model.bin when present (or $BGV_FULLSIZE_DIR/<R>), else on random
weights of the published shapes, and prints "TORCH <seconds per frame>" (best of 2 after a
warm-up). Needs /usr/bin/python3 with torch and numpy.
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import biggan_reference as ref  # noqa: E402


def main():
    resolution, batch = int(sys.argv[1]), int(sys.argv[2])
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    torch.set_num_threads(threads)
    root = Path(os.environ.get("BGV_FULLSIZE_DIR", "/work/fullsize")) / str(resolution)
    if (root / "pytorch_model.bin").exists() and (root / "config.json").exists():
        config = ref.Config.load(root / "config.json")
        state_dict = torch.load(root / "pytorch_model.bin", map_location="cpu")
    else:
        config = ref.Config.published(resolution)
        state_dict = ref.make_random_state_dict(config, seed=resolution, calibrate=False)
    rng = np.random.default_rng(1)
    z = torch.as_tensor(ref.truncated_normal(rng, (batch, config.z_dim)).astype(np.float32))
    y = torch.zeros(batch, config.num_classes)
    for i in range(batch):
        y[i, (i * 97) % config.num_classes] = 1.0
    ref.forward(state_dict, config, z, y, 1.0, dtype=torch.float32)  # warm-up
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        ref.forward(state_dict, config, z, y, 1.0, dtype=torch.float32)
        best = min(best, (time.perf_counter() - start) / batch)
    print(f"TORCH {best:.4f}")


if __name__ == "__main__":
    main()
