#!/usr/bin/python3
"""Writes a legacy torch.save file shaped like BigGAN-deep-512's pytorch_model.bin (about 225 MB
of float32 in a few hundred tensors) for bench_checkpoint. Usage: make_large_checkpoint.py OUT"""
import collections
import sys

import torch

sd = collections.OrderedDict()
g = torch.Generator().manual_seed(0)
for block in range(26):
    for name, shape in (("conv0.weight", (256, 1024, 1, 1)), ("conv1.weight", (256, 256, 3, 3)),
                        ("conv2.weight", (256, 256, 3, 3)), ("conv3.weight", (1024, 256, 1, 1))):
        sd[f"generator.layers.{block}.{name}"] = torch.randn(shape, generator=g) * 0.01
    for bn in range(4):
        sd[f"generator.layers.{block}.bn_{bn}.weight"] = torch.randn(1024, 128, generator=g)
        sd[f"generator.layers.{block}.bn_{bn}.num_batches_tracked"] = torch.tensor(0)
torch.save(sd, sys.argv[1], _use_new_zipfile_serialization=False)
