"""Writes the widened-generator goldens, tests/model/biggan/data/widened/: float64 outputs of
tools/biggan_reference.py for first grids other than 4x4 (docs/shapes.md), rounded to float32.

- micro (tests/model/biggan/data/micro, its committed weights and inputs): wide, tall and 4:1
  grids, both fills, batch 1 and 3, and a 9x4 grid whose attention layer has 576 queries (more
  than one of the runtime's 512-query blocks, model/biggan/attention_layer.cpp);
- fullsize 128 and 512 (the seeded full-size models of tests/model/biggan/data/fullsize/<R>:
  weights drawn by tools/seeded_biggan.py's recipe plus the committed calibration, and that
  folder's z.npy / y.npy / truncation): 4x7 noise (16:9), and at 128 also 7x4 mirror (9:16).
  The 512 golden keeps every 4th row of the 512x896 frame (1.4 MB instead of 5.5 MB): each
  kept row still crosses every column, the widened cells and their seams included.

goldens.json lists every case with its files, grid, truncation, PyTorch float32's own relative
L2 error against the float64 output (the error a correct float32 implementation has), and the
relative L2 distance between the two fills and between the widened frame's middle and the 1:1
frame (how far a wrong fill or an ignored grid lands).

Usage: /usr/bin/python3 tools/make_widened_goldens.py [--only micro 128 512] [--threads 2]
Needs python3-torch (Debian); the tests do not. Deterministic (no random draws).
"""

import argparse
import json
import os
import sys
import time
from collections import OrderedDict
from types import SimpleNamespace

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import biggan_reference as br  # noqa: E402
import seeded_biggan as sb  # noqa: E402
from safetensors_file import read_safetensors  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "model", "biggan",
                    "data")
OUT = os.path.join(DATA, "widened")

# (name, inputs prefix in micro/, truncation, rows, cols, fill)
MICRO_CASES = [
    ("micro_4x7_mirror_b1", "t0p37_b1", 0.37, 4, 7, "mirror"),
    ("micro_4x7_noise_b3", "t0p555_b3", 0.555, 4, 7, "noise"),
    ("micro_7x4_noise_b1", "t0p37_b1", 0.37, 7, 4, "noise"),
    ("micro_4x16_noise_b1", "t1_b1", 1.0, 4, 16, "noise"),
    ("micro_16x4_mirror_b3", "t0p14_b3", 0.14, 16, 4, "mirror"),
    ("micro_5x4_noise_b1", "t0p4_b1", 0.4, 5, 4, "noise"),
    # 576 queries at the attention layer (36x16): a 512-query block and a partial one, 3 samples.
    ("micro_9x4_noise_b3", "t0p555_b3", 0.555, 9, 4, "noise"),
]
# (resolution, rows, cols, fill, row step of the stored golden)
FULLSIZE_CASES = [(128, 4, 7, "noise", 1), (128, 7, 4, "mirror", 1), (512, 4, 7, "noise", 4)]


def as_torch(weights):
    return OrderedDict((k, torch.tensor(np.array(v))) for k, v in weights.items())


def centre(out, grid, resolution):
    cell = resolution // 4
    top, left = (grid.rows - 4) // 2 * cell, (grid.cols - 4) // 2 * cell
    return out[:, :, top:top + resolution, left:left + resolution]


def describe(sd, config, z, y, t, grid, resolution, log):
    """float64 output, PyTorch float32's error, and the distances a wrong fill or a 1:1 frame
    would show."""
    start = time.time()
    out64 = br.forward(sd, config, z, y, t, torch.float64, grid=grid)
    log(f"  float64 {tuple(out64.shape)} in {time.time() - start:.0f} s")
    out32 = br.forward(sd, config, z, y, t, torch.float32, grid=grid)
    other = br.Grid(grid.rows, grid.cols, "noise" if grid.fill == "mirror" else "mirror")
    out_other = br.forward(sd, config, z, y, t, torch.float32, grid=other)
    square = br.forward(sd, config, z, y, t, torch.float32)
    info = OrderedDict([
        ("rel_l2_torch_float32", br.rel_l2(out32, out64)),
        ("rel_l2_other_fill", br.rel_l2(out_other, out64)),
        ("rel_l2_middle_vs_square", br.rel_l2(square, centre(out64, grid, resolution))),
        ("output", br.summary(out64))])
    return out64, info


def micro_cases(log):
    config = br.Config.load(os.path.join(DATA, "micro", "config.json"))
    sd = as_torch(read_safetensors(os.path.join(DATA, "micro", "model.safetensors")))
    cases = []
    for name, inputs, t, rows, cols, fill in MICRO_CASES:
        log(name)
        z = np.load(os.path.join(DATA, "micro", inputs + "_z.npy"))
        y = np.load(os.path.join(DATA, "micro", inputs + "_y.npy"))
        grid = br.Grid(rows, cols, fill)
        out64, info = describe(sd, config, z, y, t, grid, config.output_dim, log)
        golden = name + "_out.npy"
        np.save(os.path.join(OUT, golden), out64.numpy().astype(np.float32))
        cases.append(OrderedDict([
            ("name", name), ("model", "micro"), ("weights", "micro"),
            ("z", f"micro/{inputs}_z.npy"), ("y", f"micro/{inputs}_y.npy"),
            ("truncation", t), ("batch", int(z.shape[0])), ("rows", rows), ("cols", cols),
            ("fill", fill), ("golden", "widened/" + golden), ("golden_row_step", 1)] +
            list(info.items())))
    return cases


def fullsize_cases(resolutions, log):
    cases = []
    for resolution, rows, cols, fill, step in FULLSIZE_CASES:
        if resolution not in resolutions:
            continue
        name = f"fullsize{resolution}_{rows}x{cols}_{fill}"
        log(name)
        folder = os.path.join(DATA, "fullsize", str(resolution))
        with open(os.path.join(folder, "golden.json")) as f:
            golden_info = json.load(f)
        with open(os.path.join(folder, "config.json")) as f:
            config_dict = json.load(f)
        config = br.Config.from_dict(config_dict)
        weights = sb.calibrated_weights(
            SimpleNamespace(**config_dict), golden_info,
            read_safetensors(os.path.join(folder, "calibration.safetensors")))
        checksum = f"{sb.weights_checksum(sb.drawn_weights(config, golden_info['seed'])):016x}"
        assert checksum == golden_info["weights_checksum"], (checksum, golden_info)
        sd = as_torch(weights)
        z = np.load(os.path.join(folder, "z.npy"))
        y = np.load(os.path.join(folder, "y.npy"))
        t = golden_info["truncation"]
        grid = br.Grid(rows, cols, fill)
        out64, info = describe(sd, config, z, y, t, grid, resolution, log)
        golden = name + "_out.npy"
        np.save(os.path.join(OUT, golden),
                np.ascontiguousarray(out64.numpy()[:, :, ::step, :]).astype(np.float32))
        cases.append(OrderedDict([
            ("name", name), ("model", f"fullsize{resolution}"),
            ("weights", f"fullsize/{resolution}"), ("z", f"fullsize/{resolution}/z.npy"),
            ("y", f"fullsize/{resolution}/y.npy"), ("truncation", t), ("batch", 1),
            ("rows", rows), ("cols", cols), ("fill", fill), ("golden", "widened/" + golden),
            ("golden_row_step", step)] + list(info.items())))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=["micro", "128", "512"])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    log = lambda m: print(f"[{time.strftime('%H:%M:%S')}] {m}", flush=True)  # noqa: E731
    os.makedirs(OUT, exist_ok=True)
    index_path = os.path.join(OUT, "goldens.json")
    previous = []
    if os.path.exists(index_path):
        with open(index_path) as f:
            previous = json.load(f)["cases"]
    made = []
    if "micro" in args.only:
        made += micro_cases(log)
    made += fullsize_cases([int(r) for r in args.only if r != "micro"], log)
    names = {c["name"] for c in made}
    cases = [c for c in previous if c["name"] not in names] + made
    order = [c[0] for c in MICRO_CASES] + [f"fullsize{r}_{h}x{w}_{f}"
                                           for r, h, w, f, _ in FULLSIZE_CASES]
    cases.sort(key=lambda c: order.index(c["name"]))
    index = OrderedDict([
        ("made_by", "tools/make_widened_goldens.py"),
        ("window_shift", {"rows": br.WINDOW_SHIFT_ROWS, "cols": br.WINDOW_SHIFT_COLS}),
        ("cases", cases)])
    with open(index_path, "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
