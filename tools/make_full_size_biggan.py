"""Writes a full-size BigGAN-deep model (channel_width 128, a published layer list) with
random, calibrated weights (see biggan_reference.py): config.json + pytorch_model.bin in the
legacy torch.save format (about 200 MB: never commit it), for benchmarks and a full-size
accuracy check of the C++ generator.

With --golden it also writes golden_z.npy / golden_y.npy (float32 inputs), golden_out.npy
(float64 reference output computed from those float32 values) and golden.json with the
relative L2 error of PyTorch's float32 run and PyTorch float32 times per frame
(torch.set_num_threads(--threads), batch 1 and 4).

Usage: /usr/bin/python3 tools/make_full_size_biggan.py --resolution 128 --out /work/fullsize/128 --golden
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
from make_biggan_fixtures import module_metadata  # noqa: E402

CALIBRATED_INDICES = [1, 5, 10, 20, 30, 40, 50]  # the others are interpolated


def time_forward(sd, config, batch, truncation, threads, repeats, rng):
    """Seconds per frame of the reference in float32, best of `repeats` (spectral norm
    folded once beforehand, as an inference engine would)."""
    torch.set_num_threads(threads)
    z = torch.tensor(br.noise(rng, batch, truncation, config.z_dim), dtype=torch.float32)
    y = torch.tensor(br.class_vectors(rng, batch, config.num_classes), dtype=torch.float32)
    net = br._Net(sd, config, torch.float32, truncation)
    best = float("inf")
    with torch.no_grad():
        net.run(z, y)  # warm-up, also folds the spectral norms
        for _ in range(repeats):
            t0 = time.perf_counter()
            net.run(z, y)
            best = min(best, time.perf_counter() - t0)
    return best / batch


def measure_timings(sd, config, args, rng, log):
    timing = OrderedDict([("threads", args.threads)])
    for b in (1, 4):
        key = f"torch_float32_s_per_frame_batch{b}"
        timing[key] = time_forward(sd, config, b, 0.555, args.threads, args.timing_repeats, rng)
        log(f"PyTorch float32 batch {b}: {timing[key]:.2f} s/frame")
    timing["measured_at"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    timing["load_average_1min"] = os.getloadavg()[0]
    return timing


def timing_note(args):
    return ("best of %d runs on a shared 2-core machine (other jobs running; see "
            "load_average_1min): noisy" % args.timing_repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resolution", type=int, choices=[128, 256, 512], required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--golden", action="store_true")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--calibration-batch", type=int, default=4)
    parser.add_argument("--timing-repeats", type=int, default=2)
    parser.add_argument("--time-only", action="store_true",
                        help="load the model already in --out, re-measure the PyTorch timings and "
                             "update golden.json")
    parser.add_argument("--golden-batch", type=int, choices=[1, 2], default=2)
    parser.add_argument("--sensitivity", action="store_true",
                        help="also measure how far typical mistakes move the golden (2 more float64 runs)")
    parser.add_argument("--calibrated-indices", type=int, nargs="*", default=CALIBRATED_INDICES,
                        help="truncation indices k (t = k/50) to calibrate; others interpolated")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    log = lambda m: print(f"[{time.strftime('%H:%M:%S')}] {m}", flush=True)  # noqa: E731

    config = br.Config.published(args.resolution, channel_width=128)
    seed = args.seed if args.seed is not None else args.resolution
    if args.time_only:
        sd = torch.load(os.path.join(args.out, "pytorch_model.bin"))
        path = os.path.join(args.out, "golden.json")
        with open(path) as f:
            info = json.load(f, object_pairs_hook=OrderedDict)
        info["timing"] = measure_timings(sd, config, args, np.random.default_rng(seed + 2), log)
        info["timing_note"] = timing_note(args)
        with open(path, "w") as f:
            json.dump(info, f, indent=1)
            f.write("\n")
        return
    t0 = time.time()
    sd = br.make_random_state_dict(config, seed, calibration_batch=args.calibration_batch,
                                   calibration_indices=args.calibrated_indices,
                                   calibration_dtype=torch.float32, progress=log)
    log(f"weights made in {time.time() - t0:.0f} s, "
        f"{sum(v.numel() for v in sd.values())} parameters")
    config.save(os.path.join(args.out, "config.json"))
    sd._metadata = module_metadata(sd)  # as a real module.state_dict() has
    torch.save(sd, os.path.join(args.out, "pytorch_model.bin"), _use_new_zipfile_serialization=False)
    log("saved pytorch_model.bin")
    if not args.golden:
        return

    rng = np.random.default_rng(seed + 1)
    truncation, batch = 0.555, args.golden_batch
    kinds = ["onehot", "blend"][:batch]
    z = br.noise(rng, batch, truncation, config.z_dim).astype(np.float32)
    y = br.class_vectors(rng, batch, config.num_classes, kinds).astype(np.float32)
    t0 = time.time()
    out64 = br.forward(sd, config, z, y, truncation, torch.float64)
    t64 = time.time() - t0
    out32 = br.forward(sd, config, z, y, truncation, torch.float32)
    log(f"golden computed (float64 forward {t64:.0f} s)")
    np.save(os.path.join(args.out, "golden_z.npy"), z)
    np.save(os.path.join(args.out, "golden_y.npy"), y)
    np.save(os.path.join(args.out, "golden_out.npy"), out64.numpy())
    info = OrderedDict([
        ("truncation", truncation), ("batch", batch), ("class_kinds", kinds),
        ("z", "golden_z.npy"), ("y", "golden_y.npy"), ("golden", "golden_out.npy"),
        ("rel_l2_torch_float32", br.rel_l2(out32, out64)),
        ("max_abs_torch_float32", float((out32.double() - out64).abs().max())),
        ("output", br.summary(out64)),
        ("seed", seed)])
    if args.sensitivity:
        info["rel_l2_under_mistake"] = {
            m: br.rel_l2(br.forward(sd, config, z, y, truncation, options={m: True}), out64)
            for m in ("natural_blend", "no_attention")}
    log(f"rel L2 float32 vs float64: {info['rel_l2_torch_float32']:.3e}; output {info['output']}")
    info["timing"] = measure_timings(sd, config, args, rng, log)
    info["timing_note"] = timing_note(args)
    with open(os.path.join(args.out, "golden.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
