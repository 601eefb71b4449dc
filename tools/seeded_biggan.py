"""Seeded random weights for a BigGAN-deep state dict, drawn by the same integer recipe as the
C++ tests (tests/model/biggan/seeded_model.cpp), so that both sides hold the same float32 bits
without any file between them. NumPy only.

The recipe (change it on both sides together; weights_checksum() proves they agree):
- Each tensor has its own stream: value i of tensor NAME is splitmix64_mix(base + (i + 1) * G)
  with base = splitmix64_mix(seed ^ fnv1a64(NAME)) and G = 0x9E3779B97F4A7C15 (SplitMix64's
  sequence, indexed directly).
- A uniform value keeps the top b bits m of that word as the odd integer 2m + 1 - 2^b, scaled by
  a power of two: every value is exact in float32 and every product below exact in float64.
- weight_orig: 23 bits, in (-1, 1). weight_v: 8 bits, in (-1, 1). bias and conv_to_rgb.bias:
  23 bits, in (-1/8, 1/8). embeddings: 23 bits, in (-1, 1). gamma 0.5; generator.bn weight 1,
  bias 0 (calibration replaces them).
- weight_u = float32(W·v · 2^-(e >> 1)) with e the binary exponent of |W·v|² (frexp): W·v is
  exact in float64 whatever the summation order (integers below 2^53), so it is u ∝ W·v from
  one power-iteration step, of norm in [0.7, 2).
- running_means / running_vars: not drawn; the calibration (see make_fullsize_goldens.py)
  supplies them.

Also writes a loadable model (config.json + model.safetensors) from committed calibration data:
  /usr/bin/python3 tools/seeded_biggan.py --data tests/model/biggan/data/fullsize/512 --out DIR
"""

import argparse
import json
import os
import sys
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from biggan_layout import parameter_shapes  # noqa: E402
from safetensors_file import read_safetensors, write_safetensors  # noqa: E402

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def mix(z):
    """SplitMix64's output function, on a Python int or a uint64 array (wrapping arithmetic)."""
    if isinstance(z, np.ndarray):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stream(seed, name, count):
    """`count` 64-bit words of tensor `name`'s stream."""
    base = np.uint64(mix((seed ^ fnv1a64(name)) & MASK))
    with np.errstate(over="ignore"):
        index = np.arange(1, count + 1, dtype=np.uint64)
        return mix(base + index * np.uint64(GOLDEN_GAMMA))


def uniform(seed, name, shape, bits, exponent):
    """Odd integers 2m + 1 - 2^bits from the top `bits` bits, times 2^(exponent - bits)."""
    count = int(np.prod(shape))
    m = (stream(seed, name, count) >> np.uint64(64 - bits)).astype(np.int64)
    return np.ldexp((2 * m + 1 - (1 << bits)).astype(np.float64), exponent - bits).reshape(shape)


def is_statistic(name):
    return name.endswith(".running_means") or name.endswith(".running_vars")


def drawn_weights(config, seed):
    """name -> float32 array for every tensor but the batch-norm statistics."""
    shapes = parameter_shapes(config)
    out = {}
    for name, shape in shapes.items():
        leaf = name.rsplit(".", 1)[1]
        if is_statistic(name) or leaf == "weight_u":
            continue
        if leaf == "weight_orig":
            w = uniform(seed, name, shape, 23, 0)
        elif leaf == "weight_v":
            w = uniform(seed, name, shape, 8, 0)
        elif leaf == "bias" and not name.startswith("generator.bn."):
            w = uniform(seed, name, shape, 23, -3)
        elif name == "embeddings.weight":
            w = uniform(seed, name, shape, 23, 0)
        elif leaf == "gamma":
            w = np.full(shape, 0.5)
        elif name == "generator.bn.weight":
            w = np.ones(shape)
        elif name == "generator.bn.bias":
            w = np.zeros(shape)
        else:
            raise AssertionError(name)
        out[name] = w.astype(np.float32)
    for name in shapes:
        if name.endswith(".weight_u"):
            prefix = name[: -len(".weight_u")]
            w = out[prefix + ".weight_orig"].astype(np.float64)
            wv = w.reshape(w.shape[0], -1) @ out[prefix + ".weight_v"].astype(np.float64)
            _, e = np.frexp(np.dot(wv, wv))
            out[name] = np.ldexp(wv, -(int(e) >> 1)).astype(np.float32)
    return {name: out[name] for name in shapes if name in out}


def weights_checksum(weights):
    """Over every tensor but the statistics, names in sorted (byte) order: mix(h ^ fnv(name)),
    then mix(h ^ sum_i bits_i * (2i + 1) mod 2^64) with bits_i a value's float32 bits."""
    h = 0
    for name in sorted(weights):
        if is_statistic(name):
            continue
        bits = np.ascontiguousarray(weights[name], dtype=np.float32).reshape(-1).view(np.uint32)
        with np.errstate(over="ignore"):
            odd = 2 * np.arange(bits.size, dtype=np.uint64) + np.uint64(1)
            total = int(np.sum(bits.astype(np.uint64) * odd, dtype=np.uint64))
        h = mix(h ^ fnv1a64(name))
        h = mix(h ^ total)
    return h


def expand_statistics(rows, first_row, n_stats):
    """(k, C) calibrated rows for indices first_row..first_row+k-1 → the (n_stats, C) table, the
    rows before copying the first calibrated one and the rows after copying the last."""
    index = np.clip(np.arange(n_stats) - first_row, 0, rows.shape[0] - 1)
    return rows[index]


def calibrated_weights(config, info, calibration):
    """The whole state dict: drawn weights, then the committed calibration on top."""
    weights = drawn_weights(config, info["seed"])
    for name, value in calibration.items():
        if is_statistic(name):
            value = expand_statistics(value, info["calibrated_first_row"], config.n_stats)
        weights[name] = np.asarray(value, dtype=np.float32)
    return {name: weights[name] for name in parameter_shapes(config)}


def write_model(data_dir, out_dir):
    """config.json + model.safetensors of the model in `data_dir` (fullsize test data)."""
    with open(os.path.join(data_dir, "config.json")) as f:
        config_text = f.read()
    config = SimpleNamespace(**json.loads(config_text))
    with open(os.path.join(data_dir, "golden.json")) as f:
        info = json.load(f)
    weights = calibrated_weights(config, info,
                                 read_safetensors(os.path.join(data_dir, "calibration.safetensors")))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        f.write(config_text)
    write_safetensors(os.path.join(out_dir, "model.safetensors"),
                      [(k, "F32", v.shape, v.astype("<f4").tobytes()) for k, v in weights.items()])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="tests/model/biggan/data/fullsize/<R>")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    write_model(args.data, args.out)


if __name__ == "__main__":
    main()
