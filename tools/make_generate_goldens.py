#!/usr/bin/python3
"""Writes the golden of `bigganviz generate --weights tests/model/biggan/data/micro --classes 3 7
--count 2 --seed 11 --truncation 0.5`: the images (4, 3, 32, 32) in float64, computed by the
reference forward pass (biggan_reference.py) from the inputs that command must draw. bigganviz's
RNG is re-implemented bit for bit in choreo_reference.Rng; generate draws, per class in order and
per image, z_dim values of truncation * truncated_normal(-2, 2) from Random(seed) (stream 0),
rounded to float32, and the one-hot class vector of that class.

    /usr/bin/python3 tools/make_generate_goldens.py    # writes tests/cli/data/generate_micro_seed11_out.npy
"""
import os
import sys

import numpy as np
import torch

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import biggan_reference as br  # noqa: E402
from choreo_reference import Rng  # noqa: E402

ROOT = os.path.dirname(TOOLS)
MODEL = os.path.join(ROOT, "tests", "model", "biggan", "data", "micro")
OUT = os.path.join(ROOT, "tests", "cli", "data")

CLASSES, COUNT, SEED, TRUNCATION = (3, 7), 2, 11, 0.5


def main():
    config = br.Config.load(os.path.join(MODEL, "config.json"))
    state_dict = torch.load(os.path.join(MODEL, "pytorch_model.bin"))
    rng = Rng(SEED)
    z, y = [], []
    for class_id in CLASSES:
        for _ in range(COUNT):
            z.append(np.array([TRUNCATION * rng.truncated_normal(-2.0, 2.0)
                               for _ in range(config.z_dim)], dtype=np.float32))
            one_hot = np.zeros(config.num_classes, dtype=np.float32)
            one_hot[class_id] = 1.0
            y.append(one_hot)
    z, y = np.stack(z), np.stack(y)
    out = br.forward(state_dict, config, z, y, TRUNCATION, torch.float64).numpy()
    os.makedirs(OUT, exist_ok=True)
    np.save(os.path.join(OUT, "generate_micro_seed11_out.npy"), out)
    print("images", out.shape, "mean", out.mean(), "std", out.std())


if __name__ == "__main__":
    main()
