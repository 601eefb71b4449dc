"""The names and shapes of a BigGAN-deep state dict (docs/biggan-deep.md), without torch: shared
by biggan_reference.py and seeded_biggan.py."""

from collections import OrderedDict

import numpy as np


def parameter_shapes(config):
    """OrderedDict name -> shape, in the order a PyTorch state dict lists them. `config`:
    biggan_reference.Config or anything with its fields (z_dim, num_classes, channel_width,
    n_stats, layers, attention_layer_position)."""
    cd, ch, ns = 2 * config.z_dim, config.channel_width, config.n_stats
    shapes = OrderedDict()

    def sn(prefix, out_features, in_shape, bias):
        if bias:
            shapes[prefix + ".bias"] = (out_features,)
        shapes[prefix + ".weight_orig"] = (out_features,) + tuple(in_shape)
        shapes[prefix + ".weight_u"] = (out_features,)
        shapes[prefix + ".weight_v"] = (int(np.prod(in_shape)),)

    def cbn(prefix, n):
        shapes[prefix + ".running_means"] = (ns, n)
        shapes[prefix + ".running_vars"] = (ns, n)
        sn(prefix + ".scale", n, (cd,), False)
        sn(prefix + ".offset", n, (cd,), False)

    shapes["embeddings.weight"] = (config.z_dim, config.num_classes)
    sn("generator.gen_z", 4 * 4 * 16 * ch, (cd,), True)
    index = 0
    for i, (_, min_, mout) in enumerate(config.layers):
        if i == config.attention_layer_position:
            p, c = f"generator.layers.{index}", ch * min_
            shapes[p + ".gamma"] = (1,)
            sn(p + ".snconv1x1_theta", c // 8, (c, 1, 1), False)
            sn(p + ".snconv1x1_phi", c // 8, (c, 1, 1), False)
            sn(p + ".snconv1x1_g", c // 2, (c, 1, 1), False)
            sn(p + ".snconv1x1_o_conv", c, (c // 2, 1, 1), False)
            index += 1
        p, cin, cout = f"generator.layers.{index}", ch * min_, ch * mout
        m = cin // 4
        cbn(p + ".bn_0", cin)
        sn(p + ".conv_0", m, (cin, 1, 1), True)
        cbn(p + ".bn_1", m)
        sn(p + ".conv_1", m, (m, 3, 3), True)
        cbn(p + ".bn_2", m)
        sn(p + ".conv_2", m, (m, 3, 3), True)
        cbn(p + ".bn_3", m)
        sn(p + ".conv_3", cout, (m, 1, 1), True)
        index += 1
    shapes["generator.bn.weight"] = (ch,)
    shapes["generator.bn.bias"] = (ch,)
    shapes["generator.bn.running_means"] = (ns, ch)
    shapes["generator.bn.running_vars"] = (ns, ch)
    sn("generator.conv_to_rgb", ch, (ch, 3, 3), True)
    return shapes
