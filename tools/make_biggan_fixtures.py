"""Writes the BigGAN-deep test models and golden outputs under tests/model/biggan/data/.

Two small models with random, calibrated weights (see biggan_reference.py):
  tiny128: the published 128 layer list with channel_width 4 (output 128x128), published
           z_dim/num_classes; weights as pytorch_model.bin in the legacy torch.save format,
           with the `_metadata` attribute a real `module.state_dict()` carries.
  micro:   channel_width 4, a short layer list (output 32x32), z_dim 32, num_classes 100,
           attention before block 4; weights in all three formats (legacy .bin, zip .pt,
           .safetensors), a plain OrderedDict.
For each case: z and y as float32 .npy (the inputs), the golden output computed in float64
from those float32 values (float64 .npy for micro, float32 .npy for tiny128 to save space:
the rounding adds ~3e-8 relative error), and in goldens.json the relative L2 error of the
same reference run by PyTorch in float32, output statistics and how much the output
changes under typical mistakes (sensitivity), so a test tolerance can be set between them.

Usage: /usr/bin/python3 tools/make_biggan_fixtures.py [--out tests/model/biggan/data]
Deterministic: fixed seeds.
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
import safetensors_file  # noqa: E402

MICRO = br.Config(z_dim=32, class_embed_dim=32, channel_width=4, num_classes=100,
                  eps=1e-4, n_stats=51, attention_layer_position=4, output_dim=32,
                  layers=[(False, 16, 16), (True, 16, 16), (False, 16, 8), (True, 8, 4),
                          (False, 4, 2), (True, 2, 1)])

MODELS = OrderedDict([
    ("tiny128", dict(config=br.Config.published(128, channel_width=4), seed=128,
                     formats=["bin"], metadata=True, golden_dtype="float32",
                     cases=[(1.0, 1), (0.4, 1), (0.37, 1), (0.14, 1), (0.555, 3)],
                     trace=None)),
    ("micro", dict(config=MICRO, seed=32, formats=["bin", "pt", "safetensors"],
                   metadata=False, golden_dtype="float64",
                   cases=[(t, b) for t in (1.0, 0.4, 0.37, 0.555, 0.14) for b in (1, 3)],
                   trace=(0.37, 1))),
])

# Deliberate mistakes, evaluated on every case: how far each moves the output.
MISTAKES = {
    "natural_blend": "statistics blended m[k]*(1-c) + m[k+1]*c instead of the doc's rule",
    "no_attention": "attention layer skipped (gamma = 0)",
    "gen_z_nchw": "gen_z output read as (B, 16ch, 4, 4) instead of (B, 4, 4, 16ch)",
    "drop_first_half": "block skip keeps the last half of the channels instead of the first",
}

FORMAT_FILES = {"bin": "pytorch_model.bin", "pt": "model.pt", "safetensors": "model.safetensors"}


def module_metadata(state_dict):
    """The `_metadata` a PyTorch module's state_dict() carries: one entry per module."""
    meta = OrderedDict([("", {"version": 1})])
    for name in state_dict:
        parts = name.split(".")[:-1]
        for i in range(1, len(parts) + 1):
            meta.setdefault(".".join(parts[:i]), {"version": 1})
        if name.endswith(".weight_orig"):
            meta[".".join(parts)]["spectral_norm"] = {"weight.version": 1}
    return meta


def write_safetensors(state_dict, path):
    safetensors_file.write_safetensors(
        path, [(name, "F32", tensor.shape, tensor.detach().contiguous().numpy().astype("<f4").tobytes())
               for name, tensor in state_dict.items()], metadata={"format": "pt"})


def read_safetensors(path):
    return OrderedDict((name, torch.tensor(array.copy()))
                       for name, array in safetensors_file.read_safetensors(path).items())


def save_weights(state_dict, directory, formats, metadata):
    sd = OrderedDict((k, v.detach().clone().contiguous()) for k, v in state_dict.items())
    if metadata:
        sd._metadata = module_metadata(sd)
    for fmt in formats:
        path = os.path.join(directory, FORMAT_FILES[fmt])
        if fmt == "bin":
            torch.save(sd, path, _use_new_zipfile_serialization=False)
        elif fmt == "pt":
            torch.save(sd, path)
        else:
            write_safetensors(sd, path)
        # Read back and compare, so a broken writer cannot go unnoticed.
        back = read_safetensors(path) if fmt == "safetensors" else torch.load(path)
        assert list(back.keys()) == list(sd.keys()), path
        for k in sd:
            assert torch.equal(back[k], sd[k]), (path, k)


def case_name(t, b):
    return f"t{t:g}".replace(".", "p") + f"_b{b}"


def make_model(name, spec, out_dir, log):
    config = spec["config"]
    directory = os.path.join(out_dir, name)
    os.makedirs(directory, exist_ok=True)
    t0 = time.time()
    sd = br.make_random_state_dict(config, spec["seed"])
    log(f"{name}: weights made in {time.time() - t0:.1f} s")
    config.save(os.path.join(directory, "config.json"))
    save_weights(sd, directory, spec["formats"], spec["metadata"])

    rng = np.random.default_rng(spec["seed"] + 1000)
    cases = []
    for t, b in spec["cases"]:
        z = br.noise(rng, b, t, config.z_dim).astype(np.float32)
        kinds = ["onehot", "blend", "dense"] if b > 1 else [["onehot", "blend", "dense"][len(cases) % 3]]
        y = br.class_vectors(rng, b, config.num_classes, kinds).astype(np.float32)
        out64 = br.forward(sd, config, z, y, t, torch.float64)
        out32 = br.forward(sd, config, z, y, t, torch.float32)
        cname = case_name(t, b)
        files = {k: f"{name}/{cname}_{k}.npy" for k in ("z", "y", "out")}
        np.save(os.path.join(out_dir, files["z"]), z)
        np.save(os.path.join(out_dir, files["y"]), y)
        np.save(os.path.join(out_dir, files["out"]), out64.numpy().astype(spec["golden_dtype"]))
        sensitivity = {m: br.rel_l2(br.forward(sd, config, z, y, t, options={m: True}), out64)
                       for m in MISTAKES}
        case = OrderedDict([
            ("model", name), ("name", cname), ("truncation", t), ("batch", b),
            ("class_kinds", kinds), ("z", files["z"]), ("y", files["y"]), ("golden", files["out"]),
            ("golden_dtype", spec["golden_dtype"]),
            ("rel_l2_torch_float32", br.rel_l2(out32, out64)),
            ("max_abs_torch_float32", float((out32.double() - out64).abs().max())),
            ("output", br.summary(out64)),
            ("rel_l2_under_mistake", sensitivity)])
        cases.append(case)
        log(f"{name} {cname}: rel32 {case['rel_l2_torch_float32']:.2e} "
            f"std {case['output']['std']:.3f} sat {case['output']['fraction_saturated']:.4f} "
            + " ".join(f"{m} {v:.3f}" for m, v in sensitivity.items()))

    info = OrderedDict([
        ("dir", name), ("config", config.to_dict()),
        ("weights", {fmt: f"{name}/{FORMAT_FILES[fmt]}" for fmt in spec["formats"]}),
        ("state_dict_has_metadata_attribute", spec["metadata"]),
        ("parameter_count", int(sum(v.numel() for v in sd.values()))),
        ("seed", spec["seed"])])

    if spec["trace"]:
        # Intermediate activations of one case, to locate a mismatch layer by layer.
        t, b = spec["trace"]
        cname = case_name(t, b)
        z = np.load(os.path.join(out_dir, f"{name}/{cname}_z.npy"))
        y = np.load(os.path.join(out_dir, f"{name}/{cname}_y.npy"))
        trace = []
        br.forward(sd, config, z, y, t, torch.float64, options={"trace": trace})
        entries = []
        for i, (label, x) in enumerate(trace):
            f = f"{name}/trace_{cname}/{i:02d}.npy"
            os.makedirs(os.path.dirname(os.path.join(out_dir, f)), exist_ok=True)
            np.save(os.path.join(out_dir, f), x.numpy())
            entries.append({"after": label, "file": f, "shape": list(x.shape)})
        info["trace"] = {"case": cname, "layers": entries}
        info["spectral_sigmas"] = br.spectral_sigmas(sd)
    return info, cases


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(here, "..", "tests", "model", "biggan", "data"))
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    args = parser.parse_args()
    torch.set_num_threads(2)
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    index_path = os.path.join(out_dir, "goldens.json")
    index = OrderedDict([("models", OrderedDict()), ("cases", []), ("mistakes", MISTAKES)])
    if os.path.exists(index_path):  # keep the models not remade
        with open(index_path) as f:
            old = json.load(f, object_pairs_hook=OrderedDict)
        index["models"] = OrderedDict((k, v) for k, v in old["models"].items() if k not in args.models)
        index["cases"] = [c for c in old["cases"] if c["model"] not in args.models]
    index["note"] = ("Goldens: float64 reference (tools/biggan_reference.py) run on the float32 "
                     "inputs and float32 weights. rel_l2_torch_float32 = |out32 - out64| / |out64| "
                     "for PyTorch float32 on the same inputs; rel_l2_under_mistake: the same "
                     "distance for a deliberately wrong forward pass.")
    for name in args.models:
        info, cases = make_model(name, MODELS[name], out_dir, lambda m: print(m, flush=True))
        index["models"][name] = info
        index["cases"] += cases
    index.move_to_end("note", last=False)
    with open(index_path, "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
