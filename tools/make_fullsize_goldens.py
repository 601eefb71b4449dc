"""Writes the full-size generator test data, tests/model/biggan/data/fullsize/<R>/, for the
published 128, 256 and 512 px architectures (channel width 128):

- config.json;
- calibration.safetensors: the batch-norm statistics rows the test's truncation reads
  (calibrated on the network's own activations, float32 at batch 2), the final batch norm's
  weight and bias and conv_to_rgb's bias (scaled so the output stays out of tanh's saturation);
- z.npy, y.npy: one sample's float32 inputs; golden.npy: the float64 reference output
  (tools/biggan_reference.py) rounded to float32 (relative L2 of that rounding ~3e-8);
- golden.json: seed, truncation, the calibrated rows, the drawn weights' checksum, PyTorch
  float32's own error against float64 and a summary of the output.

Every other weight is drawn at test time by tools/seeded_biggan.py's recipe (C++:
tests/model/biggan/seeded_model.cpp), so nothing large is committed.

Usage: /usr/bin/python3 tools/make_fullsize_goldens.py [--resolution 128 256 512]
Needs python3-torch (Debian); the tests do not.
"""

import argparse
import json
import os
import sys
import time
from collections import OrderedDict

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import biggan_reference as br  # noqa: E402
import seeded_biggan as sb  # noqa: E402
from safetensors_file import write_safetensors  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "model", "biggan",
                    "data", "fullsize")
TRUNCATION = 0.555  # k, c = modf(0.555 / 0.02) = 27, 0.75: blends rows 27 and 28
FIRST_ROW, ROWS = 27, 2
SEED = 20261130


def make(resolution, args, log):
    out_dir = os.path.join(DATA, str(resolution))
    os.makedirs(out_dir, exist_ok=True)
    config = br.Config.published(resolution, channel_width=128)
    config.check()
    seed = SEED + resolution
    drawn = sb.drawn_weights(config, seed)
    checksum = sb.weights_checksum(drawn)
    sd = OrderedDict()
    for name, shape in sb.parameter_shapes(config).items():
        value = drawn[name] if name in drawn else np.zeros(shape, dtype=np.float32)
        sd[name] = torch.tensor(value, dtype=torch.float32).reshape(shape).clone()
    for name in sd:
        if name.endswith(".running_vars"):
            sd[name].fill_(1.0)
    rng = np.random.default_rng(seed)
    rows = list(range(FIRST_ROW, FIRST_ROW + ROWS))
    t0 = time.time()
    dtype = getattr(torch, args.calibration_dtype)
    br.calibrate_statistics(sd, config, rng, args.calibration_batch, rows, dtype, jitter=0.05,
                            progress=log)
    br.scale_output(sd, config, rng, args.calibration_batch, dtype, 0.45)
    log(f"{resolution} px calibrated in {time.time() - t0:.0f} s")

    calibration = []
    for name, tensor in sd.items():
        if sb.is_statistic(name):
            value = tensor[FIRST_ROW:FIRST_ROW + ROWS]
            # The rows outside were filled by copying, as the C++ test expands them.
            assert torch.equal(tensor, torch.tensor(
                sb.expand_statistics(value.numpy(), FIRST_ROW, config.n_stats)))
        elif name in ("generator.bn.weight", "generator.bn.bias", "generator.conv_to_rgb.bias"):
            value = tensor
        else:
            assert np.array_equal(tensor.numpy(), drawn[name]), name  # calibration left it alone
            continue
        calibration.append((name, "F32", tuple(value.shape), value.numpy().astype("<f4").tobytes()))
    write_safetensors(os.path.join(out_dir, "calibration.safetensors"), calibration)
    config.save(os.path.join(out_dir, "config.json"))

    z = br.noise(rng, 1, TRUNCATION, config.z_dim).astype(np.float32)
    y = br.class_vectors(rng, 1, config.num_classes, ["blend"]).astype(np.float32)
    t0 = time.time()
    out64 = br.forward(sd, config, z, y, TRUNCATION, torch.float64)
    log(f"float64 forward {time.time() - t0:.0f} s")
    out32 = br.forward(sd, config, z, y, TRUNCATION, torch.float32)
    golden = out64.numpy().astype(np.float32)
    np.save(os.path.join(out_dir, "z.npy"), z)
    np.save(os.path.join(out_dir, "y.npy"), y)
    np.save(os.path.join(out_dir, "golden.npy"), golden)
    info = OrderedDict([
        ("made_by", "tools/make_fullsize_goldens.py"),
        ("seed", seed), ("weights_checksum", f"{checksum:016x}"),
        ("truncation", TRUNCATION), ("batch", 1), ("class_kind", "blend"),
        ("calibrated_first_row", FIRST_ROW), ("calibrated_rows", ROWS),
        ("calibration_batch", args.calibration_batch),
        ("calibration_dtype", args.calibration_dtype),
        ("rel_l2_torch_float32", br.rel_l2(out32, out64)),
        ("rel_l2_golden_float32_rounding", br.rel_l2(torch.tensor(golden), out64)),
        ("output", br.summary(out64))])
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    log(f"{resolution} px: checksum {checksum:016x}, PyTorch float32 rel L2 "
        f"{info['rel_l2_torch_float32']:.3e}, output {info['output']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resolution", type=int, nargs="*", default=[128, 256, 512])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--calibration-batch", type=int, default=2)
    parser.add_argument("--calibration-dtype", choices=["float32", "float64"], default="float32",
                        help="the statistics only need to be plausible (the golden is float64)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    log = lambda m: print(f"[{time.strftime('%H:%M:%S')}] {m}", flush=True)  # noqa: E731
    for resolution in args.resolution:
        make(resolution, args, log)


if __name__ == "__main__":
    main()
