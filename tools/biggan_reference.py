"""Python reference of the BigGAN-deep generator's forward pass, written from
docs/biggan-deep.md (the contract the C++ model is tested against).

It also makes random but well-conditioned weights for test models: spectral-norm
vectors from power iteration and batch-norm statistics calibrated on the network's
own activations, so that outputs use a good part of [-1, 1] without saturating.

Run with /usr/bin/python3 (torch 1.13 CPU + numpy). Not needed by the build or tests.
"""

import json
import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from biggan_layout import parameter_shapes  # noqa: F401 (part of this module's interface)

# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------

PUBLISHED_LAYERS = {
    128: [(False, 16, 16), (True, 16, 16), (False, 16, 16), (True, 16, 8), (False, 8, 8),
          (True, 8, 4), (False, 4, 4), (True, 4, 2), (False, 2, 2), (True, 2, 1)],
    256: [(False, 16, 16), (True, 16, 16), (False, 16, 16), (True, 16, 8), (False, 8, 8),
          (True, 8, 8), (False, 8, 8), (True, 8, 4), (False, 4, 4), (True, 4, 2),
          (False, 2, 2), (True, 2, 1)],
    512: [(False, 16, 16), (True, 16, 16), (False, 16, 16), (True, 16, 8), (False, 8, 8),
          (True, 8, 8), (False, 8, 8), (True, 8, 4), (False, 4, 4), (True, 4, 2),
          (False, 2, 2), (True, 2, 1), (False, 1, 1), (True, 1, 1)],
}


@dataclass
class Config:
    """The fields of a published config.json."""
    z_dim: int = 128
    class_embed_dim: int = 128
    channel_width: int = 128
    num_classes: int = 1000
    eps: float = 1e-4
    n_stats: int = 51
    attention_layer_position: int = 8
    output_dim: int = 128
    layers: list = field(default_factory=lambda: list(PUBLISHED_LAYERS[128]))

    @staticmethod
    def published(resolution, channel_width=128):
        return Config(channel_width=channel_width, output_dim=resolution,
                      layers=list(PUBLISHED_LAYERS[resolution]))

    @staticmethod
    def from_dict(d):
        c = Config(**{k: d[k] for k in d if k in Config.__dataclass_fields__})
        c.layers = [(bool(a), int(b), int(e)) for a, b, e in c.layers]
        return c

    @staticmethod
    def load(path):
        with open(path) as f:
            return Config.from_dict(json.load(f))

    def to_dict(self):
        return OrderedDict([
            ("z_dim", self.z_dim), ("class_embed_dim", self.class_embed_dim),
            ("channel_width", self.channel_width), ("num_classes", self.num_classes),
            ("layers", [[bool(a), int(b), int(e)] for a, b, e in self.layers]),
            ("attention_layer_position", self.attention_layer_position),
            ("eps", self.eps), ("n_stats", self.n_stats), ("output_dim", self.output_dim)])

    def save(self, path):
        """Indented JSON with each [upsample, in, out] layer on one line."""
        d = self.to_dict()
        layers = d.pop("layers")
        text = json.dumps(d, indent=2)
        rows = ",\n".join("    " + json.dumps(layer) for layer in layers)
        text = text[:-2] + ',\n  "layers": [\n' + rows + "\n  ]\n}\n"
        assert Config.from_dict(json.loads(text)) == self
        with open(path, "w") as f:
            f.write(text)

    @property
    def cond_dim(self):
        return 2 * self.z_dim

    def entries(self):
        """The generator's layer list in order: ('attention', index, C) or
        ('block', index, up, cin, cout), numbered with the attention layer counted."""
        out, index, ch = [], 0, self.channel_width
        for i, (up, min_, mout) in enumerate(self.layers):
            if i == self.attention_layer_position:
                out.append(("attention", index, ch * min_))
                index += 1
            out.append(("block", index, bool(up), ch * min_, ch * mout))
            index += 1
        return out

    def check(self):
        ch = self.channel_width
        assert self.class_embed_dim == self.z_dim, "cond = concat(z, embed) needs equal lengths"
        assert self.layers[0][1] == 16, "gen_z produces 16*ch channels"
        assert self.layers[-1][2] == 1, "the final batch norm runs over ch channels"
        assert ch >= 3, "conv_to_rgb keeps 3 channels"
        size = 4
        for kind, _, *rest in self.entries():
            if kind == "attention":
                c = rest[0]
                assert c % 8 == 0 and size % 2 == 0
            else:
                up, cin, cout = rest
                assert cin % 4 == 0 and (cout == cin or 2 * cout == cin)
                size *= 2 if up else 1
        assert size == self.output_dim, f"layers give {size}, output_dim says {self.output_dim}"


# ---------------------------------------------------------------------------
# State dict layout (names and shapes of the doc)
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Forward pass
# ---------------------------------------------------------------------------

def bn_statistics(running_means, running_vars, n_stats, truncation):
    """The doc's rule: modf(t/step); blend neighbours as m[k]*c + m[k+1]*(1-c)."""
    step = 1.0 / (n_stats - 1)
    c, k = math.modf(truncation / step)
    k = int(k)
    if c == 0.0:
        return running_means[k], running_vars[k]
    return (running_means[k] * c + running_means[k + 1] * (1 - c),
            running_vars[k] * c + running_vars[k + 1] * (1 - c))


class _Net:
    """Evaluates the generator from a state dict in one dtype. `stats_hook(prefix, x)`
    may return (mean, var) to replace the stored statistics (used for calibration)."""

    def __init__(self, sd, config, dtype, truncation, stats_hook=None, options=None):
        self.sd, self.config, self.dtype, self.t = sd, config, dtype, truncation
        self.stats_hook = stats_hook
        # `options` switch deliberate mistakes on, to measure how sensitive a test is.
        self.options = options or {}
        self._sn_cache = {}

    def tensor(self, name):
        return self.sd[name].to(self.dtype)

    def sn_weight(self, prefix):
        if prefix not in self._sn_cache:
            w = self.tensor(prefix + ".weight_orig")
            u = self.tensor(prefix + ".weight_u")
            v = self.tensor(prefix + ".weight_v")
            sigma = torch.dot(u, torch.mv(w.reshape(w.shape[0], -1), v))
            self._sn_cache[prefix] = w / sigma
        return self._sn_cache[prefix]

    def linear(self, prefix, x, bias):
        return F.linear(x, self.sn_weight(prefix), self.tensor(prefix + ".bias") if bias else None)

    def conv(self, prefix, x, bias, padding=0):
        return F.conv2d(x, self.sn_weight(prefix), self.tensor(prefix + ".bias") if bias else None,
                        padding=padding)

    def stats(self, prefix, x):
        if self.stats_hook is not None:
            got = self.stats_hook(prefix, x)
            if got is not None:
                return got
        means = self.tensor(prefix + ".running_means")
        vars_ = self.tensor(prefix + ".running_vars")
        if self.options.get("natural_blend"):
            step = 1.0 / (self.config.n_stats - 1)
            c, k = math.modf(self.t / step)
            k = int(k)
            if c == 0.0:
                return means[k], vars_[k]
            return means[k] * (1 - c) + means[k + 1] * c, vars_[k] * (1 - c) + vars_[k + 1] * c
        return bn_statistics(means, vars_, self.config.n_stats, self.t)

    def cond_bn(self, prefix, x, cond):
        mean, var = self.stats(prefix, x)
        scale = 1 + F.linear(cond, self.sn_weight(prefix + ".scale"))
        offset = F.linear(cond, self.sn_weight(prefix + ".offset"))
        inv = 1 / torch.sqrt(var + self.config.eps)
        if self.options.get("fused_bn"):
            # One affine map per (sample, channel), one pass over x: for timing only.
            a = scale * inv[None, :]
            b = offset - mean[None, :] * a
            return torch.addcmul(b[:, :, None, None], x, a[:, :, None, None])
        return ((x - mean[None, :, None, None]) * inv[None, :, None, None]
                * scale[:, :, None, None] + offset[:, :, None, None])

    def block(self, p, x, cond, up, cin, cout):
        h = self.conv(p + ".conv_0", F.relu(self.cond_bn(p + ".bn_0", x, cond)), True)
        h = F.relu(self.cond_bn(p + ".bn_1", h, cond))
        if up:
            h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = self.conv(p + ".conv_1", h, True, padding=1)
        h = self.conv(p + ".conv_2", F.relu(self.cond_bn(p + ".bn_2", h, cond)), True, padding=1)
        h = self.conv(p + ".conv_3", F.relu(self.cond_bn(p + ".bn_3", h, cond)), True)
        skip = x
        if cout != cin:
            skip = skip[:, cin // 2:] if self.options.get("drop_first_half") else skip[:, :cin // 2]
        if up:
            skip = F.interpolate(skip, scale_factor=2, mode="nearest")
        return h + skip

    def attention(self, p, x):
        b, c, hh, ww = x.shape
        n = hh * ww
        theta = self.conv(p + ".snconv1x1_theta", x, False).reshape(b, c // 8, n)
        phi = F.max_pool2d(self.conv(p + ".snconv1x1_phi", x, False), 2).reshape(b, c // 8, n // 4)
        attn = torch.softmax(torch.bmm(theta.transpose(1, 2), phi), dim=-1)
        g = F.max_pool2d(self.conv(p + ".snconv1x1_g", x, False), 2).reshape(b, c // 2, n // 4)
        o = self.conv(p + ".snconv1x1_o_conv",
                      torch.bmm(g, attn.transpose(1, 2)).reshape(b, c // 2, hh, ww), False)
        gamma = 0.0 if self.options.get("no_attention") else self.tensor(p + ".gamma")
        return x + gamma * o

    def first_grid(self, z, embed):
        """gen_z's 4x4 grid (B, 16ch, 4, 4) for noise z and class embedding `embed`."""
        x = self.linear("generator.gen_z", torch.cat([z, embed], dim=1), True)
        b, ch = z.shape[0], self.config.channel_width
        if self.options.get("gen_z_nchw"):
            return x.reshape(b, 16 * ch, 4, 4)
        return x.reshape(b, 4, 4, 16 * ch).permute(0, 3, 1, 2).contiguous()

    def run(self, z, y, grid=None):
        cfg = self.config
        if not (0 < self.t <= 1):
            raise ValueError(f"truncation {self.t} outside (0, 1]")
        z = z.to(self.dtype)
        y = y.to(self.dtype)
        embed = F.linear(y, self.tensor("embeddings.weight"))
        cond = torch.cat([z, embed], dim=1)
        x = self.first_grid(z, embed)
        if grid is not None and (grid.rows, grid.cols) != (4, 4):
            x = widen_first_grid(x, grid, lambda wy, wx: self.first_grid(
                window_noise(z, wy, wx), embed))
        trace = self.options.get("trace")
        if trace is not None:
            trace.append(("generator.gen_z (NCHW)", x.clone()))
        for kind, index, *rest in cfg.entries():
            p = f"generator.layers.{index}"
            x = self.attention(p, x) if kind == "attention" else self.block(p, x, cond, *rest)
            if trace is not None:
                trace.append((p, x.clone()))
        mean, var = self.stats("generator.bn", x)
        inv = self.tensor("generator.bn.weight") / torch.sqrt(var + cfg.eps)
        x = (x - mean[None, :, None, None]) * inv[None, :, None, None] \
            + self.tensor("generator.bn.bias")[None, :, None, None]
        x = self.conv("generator.conv_to_rgb", F.relu(x), True, padding=1)[:, :3]
        if trace is not None:
            trace.append(("generator.conv_to_rgb[:3] (before tanh)", x.clone()))
        return x if self.options.get("pre_tanh") else torch.tanh(x)


def spectral_sigmas(state_dict, dtype=torch.float64):
    """sigma = dot(u, W @ v) of every spectrally normalised layer, by prefix."""
    out = OrderedDict()
    for name in state_dict:
        if name.endswith(".weight_orig"):
            p = name[: -len(".weight_orig")]
            w = state_dict[name].to(dtype)
            out[p] = float(torch.dot(state_dict[p + ".weight_u"].to(dtype),
                                     torch.mv(w.reshape(w.shape[0], -1),
                                              state_dict[p + ".weight_v"].to(dtype))))
    return out


def forward(state_dict, config, z, y, truncation, dtype=torch.float64, options=None, grid=None):
    """Generator output (B, 3, R, R) in `dtype`, for noise z (B, z_dim), class weights
    y (B, num_classes) and truncation in (0, 1]. Inputs are converted to `dtype` first.
    grid: a Grid (rows x cols first cells and how the cells beyond the 4x4 are filled);
    the output is then (B, 3, rows*R/4, cols*R/4). None or 4x4: the published network."""
    z = torch.as_tensor(np.asarray(z)) if not torch.is_tensor(z) else z
    y = torch.as_tensor(np.asarray(y)) if not torch.is_tensor(y) else y
    with torch.no_grad():
        return _Net(state_dict, config, dtype, float(truncation), options=options).run(z, y, grid)


# ---------------------------------------------------------------------------
# The widened first grid (docs/shapes.md)
# ---------------------------------------------------------------------------
# After gen_z everything is convolution, batch norm (statistics per channel), nearest
# upsampling and attention: all work on any grid. A frame of another shape starts from a grid
# of rows x cols cells instead of 4x4; the frame's own 4x4 window sits in the middle, at
# (rows-4)//2, (cols-4)//2, and the cells beyond it are filled by `fill`:
#   mirror: cell (a, b) counted from the window's corner takes the window's own cell
#           (reflect(a), reflect(b)), reflect(k) = k mod 8 if that is < 4, else 7 - (k mod 8):
#           mirror images of the window, edge cells repeated (..1 0 | 0 1 2 3 | 3 2 1 0 | 0..).
#   noise:  cell (a, b) lies in window (a // 4, b // 4) (floor division) at (a mod 4, b mod 4);
#           window (wy, wx) is gen_z applied to the frame's noise rotated by
#           41*wy + 17*wx places (torch.roll: z_w[i] = z[(i - shift) mod z_dim]) and the
#           frame's own class embedding. A rotation keeps the noise's values (so its
#           distribution and truncation) and moves with it smoothly from frame to frame;
#           window (0, 0) is the frame's own gen_z.
# Every batch norm keeps the frame's own condition (z, embed).

WINDOW_SHIFT_ROWS = 41
WINDOW_SHIFT_COLS = 17
FILLS = ("mirror", "noise")


@dataclass(frozen=True)
class Grid:
    rows: int = 4
    cols: int = 4
    fill: str = "mirror"


def grid_for_aspect(width, height, fill="mirror"):
    """The grid for aspect width:height (1:4 to 4:1): the short side keeps 4 cells, the long
    side the nearest whole number of cells to 4 * ratio (halves round up)."""
    ratio = width / height
    if not 0.25 <= ratio <= 4.0:
        raise ValueError(f"aspect {width}:{height} outside 1:4 to 4:1")
    if ratio >= 1.0:
        return Grid(4, int(math.floor(4.0 * ratio + 0.5)), fill)
    return Grid(int(math.floor(4.0 / ratio + 0.5)), 4, fill)


def reflect_cell(k):
    m = k % 8
    return m if m < 4 else 7 - m


def window_noise(z, wy, wx):
    return torch.roll(z, shifts=WINDOW_SHIFT_ROWS * wy + WINDOW_SHIFT_COLS * wx, dims=1)


def widen_first_grid(own, grid, window):
    """own: (B, C, 4, 4) the frame's gen_z grid; window(wy, wx) -> (B, C, 4, 4) for noise.
    Returns (B, C, rows, cols)."""
    if grid.fill not in FILLS or grid.rows < 4 or grid.cols < 4:
        raise ValueError(f"grid {grid}")
    top, left = (grid.rows - 4) // 2, (grid.cols - 4) // 2
    b, c = own.shape[:2]
    out = torch.empty(b, c, grid.rows, grid.cols, dtype=own.dtype)
    windows = {(0, 0): own}
    for i in range(grid.rows):
        for j in range(grid.cols):
            a, e = i - top, j - left
            if grid.fill == "mirror":
                out[:, :, i, j] = own[:, :, reflect_cell(a), reflect_cell(e)]
                continue
            key = (a // 4, e // 4)
            if key not in windows:
                windows[key] = window(*key)
            out[:, :, i, j] = windows[key][:, :, a % 4, e % 4]
    return out


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def truncated_normal(rng, shape, bound=2.0):
    """Standard normal samples truncated to [-bound, bound] (by rejection)."""
    x = rng.standard_normal(shape)
    bad = np.abs(x) > bound
    while bad.any():
        x[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(x) > bound
    return x


def noise(rng, batch, truncation, z_dim=128):
    return truncation * truncated_normal(rng, (batch, z_dim))


def class_vectors(rng, batch, num_classes=1000, kinds=None):
    """Rows cycling through: one-hot, blend of two classes, dense softmax-like vector."""
    kinds = kinds or ["onehot", "blend", "dense"]
    y = np.zeros((batch, num_classes))
    for i in range(batch):
        kind = kinds[i % len(kinds)]
        if kind == "onehot":
            y[i, rng.integers(num_classes)] = 1.0
        elif kind == "blend":
            a, b = rng.choice(num_classes, 2, replace=False)
            w = rng.uniform(0.3, 0.7)
            y[i, a], y[i, b] = w, 1 - w
        else:
            logits = 1.5 * rng.standard_normal(num_classes)
            e = np.exp(logits - logits.max())
            y[i] = e / e.sum()
    return y


# ---------------------------------------------------------------------------
# Random, calibrated weights
# ---------------------------------------------------------------------------

def _power_iteration(w2d, rng, iterations):
    v = rng.standard_normal(w2d.shape[1])
    v /= np.linalg.norm(v)
    for _ in range(iterations):
        u = w2d @ v
        u /= np.linalg.norm(u)
        v = w2d.T @ u
        v /= np.linalg.norm(v)
    return u, v


def make_random_state_dict(config, seed, calibrate=True, calibration_batch=8,
                           calibration_indices=None, calibration_dtype=torch.float32,
                           stats_jitter=0.05, gamma=0.5, power_iterations=8,
                           target_pre_tanh_std=0.45, progress=None):
    """A state dict with the doc's names and shapes, random weights, spectral-norm
    vectors close to the top singular pair, and calibrated batch-norm statistics.

    calibration_indices: which truncation indices k (t = k/(n_stats-1)) to calibrate
    (default all); the others are interpolated linearly between calibrated ones.
    stats_jitter: relative random perturbation of each calibrated statistic, so that
    neighbouring truncations differ clearly (it makes the blending rule testable)."""
    config.check()
    rng = np.random.default_rng(seed)
    sd = OrderedDict()
    for name, shape in parameter_shapes(config).items():
        leaf = name.rsplit(".", 1)[1]
        if leaf in ("weight_u", "weight_v", "running_means", "running_vars"):
            continue  # filled below
        if leaf == "weight_orig":
            # Raw scale is irrelevant after spectral normalisation; vary it per layer anyway.
            fan_in = int(np.prod(shape[1:]))
            w = rng.standard_normal(shape) * rng.uniform(0.5, 2.0) / math.sqrt(fan_in)
        elif name == "embeddings.weight":
            w = 0.7 * rng.standard_normal(shape)
        elif leaf == "gamma":
            w = np.full(shape, gamma)
        elif name == "generator.bn.weight":
            w = 1.0 + 0.2 * rng.standard_normal(shape)
        elif leaf == "bias":
            w = 0.1 * rng.standard_normal(shape)
        else:
            raise AssertionError(name)
        sd[name] = w
    shapes = parameter_shapes(config)
    for name in shapes:
        if name.endswith(".weight_u"):
            prefix = name[: -len(".weight_u")]
            w = sd[prefix + ".weight_orig"]
            u, v = _power_iteration(w.reshape(w.shape[0], -1), rng, power_iterations)
            # A trained model's u, v come from running power iteration: close to, but not
            # exactly, the top singular pair. Add a little noise so sigma is not exact.
            u = u + 0.02 * rng.standard_normal(u.shape) / math.sqrt(u.size)
            v = v + 0.02 * rng.standard_normal(v.shape) / math.sqrt(v.size)
            sd[prefix + ".weight_u"] = u / np.linalg.norm(u)
            sd[prefix + ".weight_v"] = v / np.linalg.norm(v)
        elif name.endswith(".running_means"):
            sd[name] = np.zeros(shapes[name])
        elif name.endswith(".running_vars"):
            sd[name] = np.ones(shapes[name])
    # Reorder as parameter_shapes lists them, as float32 tensors.
    sd = OrderedDict((k, torch.tensor(np.asarray(sd[k]), dtype=torch.float32).reshape(s).clone())
                     for k, s in shapes.items())
    if calibrate:
        calibrate_statistics(sd, config, rng, calibration_batch, calibration_indices,
                             calibration_dtype, stats_jitter, progress)
        scale_output(sd, config, rng, calibration_batch, calibration_dtype, target_pre_tanh_std)
    return sd


def calibrate_statistics(sd, config, rng, batch, indices, dtype, jitter, progress=None):
    """For each truncation index k: run the network on noise at t_k and set every batch
    norm's statistics k to its input's per-channel batch mean/var (layer by layer, so
    later layers see calibrated earlier ones), perturbed by `jitter`."""
    n = config.n_stats
    indices = sorted(set(range(n) if indices is None else indices))
    for k in indices:
        t = k / (n - 1)
        z = torch.tensor(noise(rng, batch, t, config.z_dim))
        y = torch.tensor(class_vectors(rng, batch, config.num_classes))

        def hook(prefix, x, k=k):
            mean = x.mean(dim=(0, 2, 3))
            var = x.var(dim=(0, 2, 3), unbiased=False)
            mean = mean + jitter * torch.sqrt(var) * torch.tensor(rng.standard_normal(mean.shape),
                                                                 dtype=x.dtype)
            var = var * torch.exp(2 * jitter * torch.tensor(rng.standard_normal(var.shape),
                                                            dtype=x.dtype))
            sd[prefix + ".running_means"][k] = mean.to(torch.float32)
            sd[prefix + ".running_vars"][k] = var.to(torch.float32)
            # Continue with exactly the stored (float32) values.
            return sd[prefix + ".running_means"][k].to(x.dtype), \
                sd[prefix + ".running_vars"][k].to(x.dtype)

        with torch.no_grad():
            # t = 0 is outside the forward pass's domain; calibrate it like a tiny t.
            _Net(sd, config, dtype, max(t, 1e-9), stats_hook=hook).run(z, y)
        if progress:
            progress(f"calibrated truncation index {k} (t={t:.2f})")
    # Interpolate the indices not calibrated.
    if len(indices) < n:
        for name in sd:
            if name.endswith(".running_means") or name.endswith(".running_vars"):
                table = sd[name]
                for k in range(n):
                    if k in indices:
                        continue
                    lo = max([i for i in indices if i < k], default=None)
                    hi = min([i for i in indices if i > k], default=None)
                    if lo is None:
                        table[k] = table[hi]
                    elif hi is None:
                        table[k] = table[lo]
                    else:
                        w = (k - lo) / (hi - lo)
                        table[k] = table[lo] * (1 - w) + table[hi] * w


def scale_output(sd, config, rng, batch, dtype, target_std):
    """Scale the final batch norm's weight and bias (ReLU and conv are positively
    homogeneous) so that the pre-tanh output has about `target_std` at t = 1, and set
    conv_to_rgb's bias so the per-channel means are small: keeps tanh out of saturation."""
    z = torch.tensor(noise(rng, batch, 1.0, config.z_dim))
    y = torch.tensor(class_vectors(rng, batch, config.num_classes))
    with torch.no_grad():
        pre = _Net(sd, config, dtype, 1.0, options={"pre_tanh": True}).run(z, y)
        bias = sd["generator.conv_to_rgb.bias"][:3].to(dtype)
        centred = pre - bias[None, :, None, None]
        channel_mean = centred.mean(dim=(0, 2, 3))
        a = target_std / float((centred - channel_mean[None, :, None, None]).std())
        sd["generator.bn.weight"].mul_(a)
        sd["generator.bn.bias"].mul_(a)
        new_bias = -a * channel_mean + 0.1 * torch.tensor(rng.standard_normal(3), dtype=dtype)
        sd["generator.conv_to_rgb.bias"][:3] = new_bias.to(torch.float32)


def summary(out):
    out = out.double()
    return {"std": float(out.std()), "mean": float(out.mean()),
            "abs_max": float(out.abs().max()),
            "fraction_saturated": float((out.abs() > 0.99).double().mean())}


def rel_l2(a, b):
    a, b = a.double(), b.double()
    return float(torch.linalg.norm((a - b).flatten()) / torch.linalg.norm(b.flatten()))
