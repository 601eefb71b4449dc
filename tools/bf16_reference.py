"""bf16 against fp32 on the seeded full-size BigGAN-deep models, computed independently of the
C++ runtime: what bfloat16 itself costs in accuracy, to set beside bench_biggan's figures for
`--precision bf16` (docs/biggan-deep.md, "Precision").

The reference forward pass (biggan_reference.py) in float32, and again with the inputs and
weights of every convolution and of both attention products rounded to bfloat16 (round to
nearest even) before a float32 product: a bfloat16 × bfloat16 product is exact in float32, so
this is bfloat16 arithmetic with float32 accumulation, the definition the runtime implements.
Batch norms, softmax, the residual stream, gen_z and the output stay float32. (The runtime rounds
the 2×2 phase sums of conv_1's weights where it upsamples, this script the 3×3 weights.)

usage: /usr/bin/python3 tools/bf16_reference.py --data tests/model/biggan/data/fullsize/128
       [--images 4] [--truncation 0.4 --truncation 1.0]
Prints, per truncation, PSNR of the 8-bit pixels and rel. L2 of the outputs, lowest/mean and
highest/mean over the images (vectors drawn from numpy's seeded generator, not the C++ ones).
"""

import argparse
import json
import math
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import biggan_reference as ref  # noqa: E402
from safetensors_file import read_safetensors  # noqa: E402
from seeded_biggan import write_model  # noqa: E402


def bf16(t):
    return t.to(torch.bfloat16).to(torch.float32)


class Bf16Net(ref._Net):
    """The reference network with bfloat16 inputs and weights in its products."""

    def conv(self, prefix, x, bias, padding=0):
        return F.conv2d(bf16(x), bf16(self.sn_weight(prefix)),
                        self.tensor(prefix + ".bias") if bias else None, padding=padding)

    def attention(self, p, x):
        b, c, hh, ww = x.shape
        n = hh * ww
        theta = self.conv(p + ".snconv1x1_theta", x, False).reshape(b, c // 8, n)
        phi = F.max_pool2d(self.conv(p + ".snconv1x1_phi", x, False), 2).reshape(b, c // 8, n // 4)
        attn = torch.softmax(torch.bmm(bf16(theta).transpose(1, 2), bf16(phi)), dim=-1)
        g = F.max_pool2d(self.conv(p + ".snconv1x1_g", x, False), 2).reshape(b, c // 2, n // 4)
        o = self.conv(p + ".snconv1x1_o_conv",
                      torch.bmm(bf16(g), bf16(attn).transpose(1, 2)).reshape(b, c // 2, hh, ww),
                      False)
        return x + self.tensor(p + ".gamma") * o


def pixels(x):
    return np.floor(np.clip((x.astype(np.float64) + 1.0) / 2.0 * 256.0, 0, 255))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="tests/model/biggan/data/fullsize/<R>")
    parser.add_argument("--images", type=int, default=4)
    parser.add_argument("--truncation", type=float, action="append")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as folder:
        write_model(args.data, folder)
        with open(os.path.join(folder, "config.json")) as f:
            config = ref.Config.from_dict(json.load(f))
        state = {k: torch.from_numpy(np.array(v)) for k, v in
                 read_safetensors(os.path.join(folder, "model.safetensors")).items()}
    rng = np.random.default_rng(20261219)
    for t in args.truncation or [0.4, 1.0]:
        psnrs, l2s = [], []
        for _ in range(args.images):
            z = torch.from_numpy(ref.noise(rng, 1, t).astype(np.float32))
            y = torch.from_numpy(ref.class_vectors(rng, 1).astype(np.float32))
            with torch.no_grad():
                want = ref._Net(state, config, torch.float32, t).run(z, y).numpy()
                got = Bf16Net(state, config, torch.float32, t).run(z, y).numpy()
            l2s.append(float(np.linalg.norm(got - want) / np.linalg.norm(want)))
            mse = np.mean((pixels(got) - pixels(want)) ** 2)
            psnrs.append(99.0 if mse == 0 else 10 * math.log10(255.0 ** 2 / mse))
        print(f"{config.output_dim} px truncation {t}: PSNR {min(psnrs):.2f} dB lowest, "
              f"{np.mean(psnrs):.2f} mean; rel L2 {max(l2s):.3e} highest, {np.mean(l2s):.3e} mean "
              f"({args.images} images)")


if __name__ == "__main__":
    main()
