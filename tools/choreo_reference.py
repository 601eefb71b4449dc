#!/usr/bin/python3
"""Reference for choreo/: the seed's vector algorithm (docs/original-tool.md, "Vectors") written
in NumPy from the description, with the defects fixed as bigganviz fixes them, and bigganviz's RNG
(src/core/random.h) re-implemented bit for bit so that the random draws match.

Writes tests/choreo/data/: the input features it read (copied from the librosa fixtures) and, per
case, the classes, noise vectors (F+1 x 128) and the class-vector columns of the chosen classes
(F+1 x num_classes; every other column must be zero). Run with Debian's /usr/bin/python3:

    /usr/bin/python3 tools/choreo_reference.py /work/shared/fixtures/librosa tests/choreo/data
"""
import json
import math
import os
import sys

import numpy as np

MASK = (1 << 64) - 1


class Rng:
    """bgv::Random (src/core/random.h): splitmix64-seeded xoshiro256**, uniform, below, Box-Muller
    normal (cos, then the spare sin on the next call), truncated normal by rejection."""

    def __init__(self, seed, stream=0):
        self.spare = None
        x = (seed + stream * 0xD1B54A32D192ED03) & MASK
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next_u64(self):
        s = self.s
        result = (self._rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def uniform(self):
        return float(self.next_u64() >> 11) * 2.0 ** -53

    def below(self, n):
        threshold = ((1 << 64) - n) % n
        while True:
            x = self.next_u64()
            if x >= threshold:
                return x % n

    def normal(self):
        if self.spare is not None:
            spare, self.spare = self.spare, None
            return spare
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        radius = math.sqrt(-2.0 * math.log(u1))
        angle = 2.0 * math.pi * u2
        self.spare = radius * math.sin(angle)
        return radius * math.cos(angle)

    def truncated_normal(self, lo, hi):
        while True:
            x = self.normal()
            if lo <= x <= hi:
                return x


CLASS_STREAM, NOISE_STREAM, JITTER_STREAM = 1, 2, 3


def random_classes(count, seed):
    ids = list(range(1000))
    rng = Rng(seed, CLASS_STREAM)
    for i in range(count):
        j = i + rng.below(1000 - i)
        ids[i], ids[j] = ids[j], ids[i]
    return ids[:count]


def sort_by_power(classes, chromasort):
    return [classes[i] for i in np.argsort(chromasort[: len(classes)], kind="stable")]


def smooth(cvs, window):
    """Windows cover every row; the last window blends towards its own mean."""
    if window < 2:
        return cvs
    n = len(cvs)
    starts = list(range(0, n, window))
    means = [np.mean(cvs[s : s + window], axis=0) for s in starts]
    out = np.empty_like(cvs)
    for k, s in enumerate(starts):
        a = means[k]
        b = means[min(k + 1, len(means) - 1)]
        for j in range(min(window, n - s)):
            w = j / (window - 1)
            out[s + j] = a * (1 - w) + b * w
    return out


def make_vectors(chroma, specm, gradm, chromasort, classes, seed, ps=220, ts=0.25, jitter=0.5,
                 frame_length=512, truncation=1.0, smooth_factor=20):
    chroma = chroma.astype(np.float64)
    specm = specm.astype(np.float64)
    gradm = gradm.astype(np.float64)
    frames = chroma.shape[1]
    n = len(classes)
    pitch = (300 - ps) * 512 / frame_length
    tempo = ts * frame_length / 512
    window = int(smooth_factor * 512 / frame_length)

    cv1 = np.zeros(1000)
    sounding = np.nonzero((chroma > 0).any(axis=0))[0]
    f0 = sounding[0] if len(sounding) else 0
    for r in range(n):
        p = chromasort[r]
        cv1[classes[r] if n < 12 else classes[p]] = chroma[p][f0]

    rng = Rng(seed, NOISE_STREAM)
    nv1 = truncation * np.array([rng.truncated_normal(-2.0, 2.0) for _ in range(128)])
    direction = np.where(nv1 < 0, 1.0, -1.0)
    last = np.zeros(128)
    jrng = Rng(seed, JITTER_STREAM)
    jit = None
    cvs, nvs = [cv1], [nv1]
    for f in range(frames):
        if f % 200 == 0:
            jit = np.array([1.0 if jrng.uniform() < 0.5 else 1.0 - jitter for _ in range(128)])
        upd = tempo * (gradm[f] + specm[f]) * direction * jit
        upd = (upd + 3 * last) / 4
        last = upd
        nv = nvs[-1] + upd
        direction[nv >= 2 * truncation - tempo] = -1
        direction[nv < -2 * truncation + tempo] = 1
        nvs.append(nv)

        cv = np.zeros(1000)
        for j in range(n):
            cv[classes[j]] = (cvs[-1][classes[j]] + chroma[chromasort[j]][f] / pitch) / (1 + 1 / pitch)
        if n > 6:
            nonzero = cv[cv != 0]
            if len(nonzero) and nonzero.min() < cv.max():
                m = nonzero.min()
                cv[cv == 0] = m
                cv = (cv - m) / (cv.max() - m)
            else:  # fixed: all equal (or silent) would be 0/0
                cv[:] = 0
        else:
            if cv.max() > 0:
                cv = cv / cv.max()
            else:  # fixed: silent would be 0/0
                cv[:] = 0
        nonzero = cv[cv != 0]
        if (np.std(nonzero) if len(nonzero) else 0.0) < 1e-7:
            cv[classes[0]] += 0.01
        cvs.append(cv)

    return np.array(nvs), smooth(np.array(cvs), window)


CASES = [
    # name, features, num_classes, given classes, sort_by_power, seed, params
    ("chords_default", "chords", 12, None, False, 7, {}),
    ("chords_given_sorted", "chords", 5, [1, 309, 402, 950, 33], True, 12345,
     dict(ps=250, ts=0.5, jitter=0.3, truncation=0.6, smooth_factor=10)),
    ("chords_eight_fl1024", "chords", 8, None, False, 99,
     dict(ps=290, ts=0.8, jitter=1.0, frame_length=1024, truncation=0.3, smooth_factor=30)),
    ("short_one_class", "short", 1, None, False, 3, dict(smooth_factor=13)),
    ("silence_twelve", "silence", 12, None, False, 5, {}),
    ("silence_three", "silence", 3, [7, 8, 9], False, 6, dict(frame_length=4096)),
]


def load_features(fixtures, out_dir):
    features = {}
    for name, stem in (("chords", "chords_120bpm__wav__hop512"), ("short", "short_0p3s__wav__hop512")):
        chroma = np.ascontiguousarray(np.load(os.path.join(fixtures, stem + "__chroma.npy")), np.float32)
        specm = np.load(os.path.join(fixtures, stem + "__spec_mean.npy")).astype(np.float32)
        gradm = np.load(os.path.join(fixtures, stem + "__grad_mean.npy")).astype(np.float32)
        chromasort = np.argsort(chroma.mean(axis=1))[::-1].astype(np.int64)
        for kind, array in (("chroma", chroma), ("spec_mean", specm), ("grad_mean", gradm),
                            ("chromasort", chromasort)):
            np.save(os.path.join(out_dir, f"{name}_{kind}.npy"), array)
        features[name] = (chroma, specm, gradm, chromasort)
    frames = 87  # 2 s of digital silence at hop 512: features are all zero (the test builds them)
    features["silence"] = (np.zeros((12, frames), np.float32), np.zeros(frames, np.float32),
                           np.zeros(frames, np.float32), np.arange(11, -1, -1))
    return features


def main():
    fixtures, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    features = load_features(fixtures, out_dir)
    manifest = []
    for name, feature_name, n, given, by_power, seed, params in CASES:
        chroma, specm, gradm, chromasort = features[feature_name]
        classes = list(given) if given is not None else random_classes(n, seed)
        if by_power:
            classes = sort_by_power(classes, chromasort)
        nvs, cvs = make_vectors(chroma, specm, gradm, list(chromasort), classes, seed, **params)
        columns = sorted(set(classes))
        assert np.all(np.delete(cvs, columns, axis=1) == 0)
        np.save(os.path.join(out_dir, f"{name}_noise.npy"), nvs)
        np.save(os.path.join(out_dir, f"{name}_class_columns.npy"), np.ascontiguousarray(cvs[:, columns]))
        manifest.append(dict(name=name, features=feature_name, num_classes=n, given=given,
                             sort_by_power=by_power, seed=seed, params=params, classes=classes,
                             columns=columns))
    with open(os.path.join(out_dir, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
