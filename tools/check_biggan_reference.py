"""Cross-check of biggan_reference.py with a second implementation built from PyTorch
modules (nn.Conv2d / nn.Linear wrapped in torch.nn.utils.spectral_norm, evaluated in eval
mode, so sigma comes from PyTorch's own spectral-norm code). It loads each fixture's weights
with load_state_dict(strict=True), which also checks every key name and shape, and compares
the outputs with the committed goldens.

Usage: /usr/bin/python3 tools/check_biggan_reference.py [--data tests/model/biggan/data]
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import biggan_reference as br  # noqa: E402
from make_biggan_fixtures import read_safetensors  # noqa: E402


def sn(module, eps):
    return nn.utils.spectral_norm(module, eps=eps)


class ConditionalNorm(nn.Module):
    def __init__(self, n, cfg):
        super().__init__()
        self.register_buffer("running_means", torch.zeros(cfg.n_stats, n))
        self.register_buffer("running_vars", torch.ones(cfg.n_stats, n))
        self.scale = sn(nn.Linear(cfg.cond_dim, n, bias=False), cfg.eps)
        self.offset = sn(nn.Linear(cfg.cond_dim, n, bias=False), cfg.eps)
        self.cfg = cfg

    def forward(self, x, cond, t):
        mean, var = br.bn_statistics(self.running_means, self.running_vars, self.cfg.n_stats, t)
        x = F.batch_norm(x, mean, var, None, None, False, 0.0, self.cfg.eps)
        return x * (1 + self.scale(cond))[:, :, None, None] + self.offset(cond)[:, :, None, None]


class Block(nn.Module):
    def __init__(self, up, cin, cout, cfg):
        super().__init__()
        m = cin // 4
        self.up, self.cin, self.cout = up, cin, cout
        self.bn_0 = ConditionalNorm(cin, cfg)
        self.conv_0 = sn(nn.Conv2d(cin, m, 1), cfg.eps)
        self.bn_1 = ConditionalNorm(m, cfg)
        self.conv_1 = sn(nn.Conv2d(m, m, 3, padding=1), cfg.eps)
        self.bn_2 = ConditionalNorm(m, cfg)
        self.conv_2 = sn(nn.Conv2d(m, m, 3, padding=1), cfg.eps)
        self.bn_3 = ConditionalNorm(m, cfg)
        self.conv_3 = sn(nn.Conv2d(m, cout, 1), cfg.eps)

    def forward(self, x, cond, t):
        h = self.conv_0(F.relu(self.bn_0(x, cond, t)))
        h = F.relu(self.bn_1(h, cond, t))
        if self.up:
            h = F.interpolate(h, scale_factor=2)
        h = self.conv_1(h)
        h = self.conv_2(F.relu(self.bn_2(h, cond, t)))
        h = self.conv_3(F.relu(self.bn_3(h, cond, t)))
        skip = x[:, : self.cin // 2] if self.cout != self.cin else x
        return h + (F.interpolate(skip, scale_factor=2) if self.up else skip)


class Attention(nn.Module):
    def __init__(self, c, cfg):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1))
        self.snconv1x1_theta = sn(nn.Conv2d(c, c // 8, 1, bias=False), cfg.eps)
        self.snconv1x1_phi = sn(nn.Conv2d(c, c // 8, 1, bias=False), cfg.eps)
        self.snconv1x1_g = sn(nn.Conv2d(c, c // 2, 1, bias=False), cfg.eps)
        self.snconv1x1_o_conv = sn(nn.Conv2d(c // 2, c, 1, bias=False), cfg.eps)

    def forward(self, x):
        b, c, h, w = x.shape
        q = self.snconv1x1_theta(x).flatten(2)                      # (B, C/8, n)
        k = F.max_pool2d(self.snconv1x1_phi(x), 2).flatten(2)       # (B, C/8, n/4)
        v = F.max_pool2d(self.snconv1x1_g(x), 2).flatten(2)         # (B, C/2, n/4)
        a = torch.softmax(torch.einsum("bci,bcj->bij", q, k), -1)   # (B, n, n/4)
        o = torch.einsum("bcj,bij->bci", v, a).reshape(b, c // 2, h, w)
        return x + self.gamma * self.snconv1x1_o_conv(o)


class Generator(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        ch = cfg.channel_width
        self.cfg = cfg
        self.gen_z = sn(nn.Linear(cfg.cond_dim, 16 * 16 * ch), cfg.eps)
        self.layers = nn.ModuleList(
            Attention(rest[0], cfg) if kind == "attention" else Block(*rest, cfg)
            for kind, _, *rest in cfg.entries())
        self.bn = nn.Module()
        self.bn.weight = nn.Parameter(torch.ones(ch))
        self.bn.bias = nn.Parameter(torch.zeros(ch))
        self.bn.register_buffer("running_means", torch.zeros(cfg.n_stats, ch))
        self.bn.register_buffer("running_vars", torch.ones(cfg.n_stats, ch))
        self.conv_to_rgb = sn(nn.Conv2d(ch, ch, 3, padding=1), cfg.eps)

    def forward(self, cond, t):
        ch = self.cfg.channel_width
        x = self.gen_z(cond).reshape(-1, 4, 4, 16 * ch).permute(0, 3, 1, 2)
        for layer in self.layers:
            x = layer(x) if isinstance(layer, Attention) else layer(x, cond, t)
        mean, var = br.bn_statistics(self.bn.running_means, self.bn.running_vars,
                                     self.cfg.n_stats, t)
        x = F.batch_norm(x, mean, var, self.bn.weight, self.bn.bias, False, 0.0, self.cfg.eps)
        return torch.tanh(self.conv_to_rgb(F.relu(x))[:, :3])


class BigGANDeep(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = nn.Linear(cfg.num_classes, cfg.z_dim, bias=False)
        self.generator = Generator(cfg)

    def forward(self, z, y, t):
        return self.generator(torch.cat([z, self.embeddings(y)], 1), t)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(here, "..", "tests", "model", "biggan", "data"))
    args = parser.parse_args()
    torch.set_num_threads(2)
    with open(os.path.join(args.data, "goldens.json")) as f:
        index = json.load(f)
    worst = 0.0
    for name, info in index["models"].items():
        cfg = br.Config.from_dict(info["config"])
        model = BigGANDeep(cfg).double().eval()
        for fmt, rel in info["weights"].items():
            path = os.path.join(args.data, rel)
            sd = read_safetensors(path) if fmt == "safetensors" else torch.load(path)
            model.load_state_dict(sd, strict=True)
            for case in (c for c in index["cases"] if c["model"] == name):
                z = torch.tensor(np.load(os.path.join(args.data, case["z"]))).double()
                y = torch.tensor(np.load(os.path.join(args.data, case["y"]))).double()
                golden = torch.tensor(np.load(os.path.join(args.data, case["golden"]))).double()
                with torch.no_grad():
                    out = model(z, y, case["truncation"])
                err = br.rel_l2(out, golden)
                worst = max(worst, err)
                print(f"{name} {fmt} {case['name']}: rel L2 vs golden {err:.2e}")
    print(f"worst {worst:.2e}")
    # float64 vs float64, the goldens for tiny128 are stored as float32 (~3e-8 rounding).
    sys.exit(0 if worst < 1e-6 else 1)


if __name__ == "__main__":
    main()
