#!/usr/bin/python3
"""Reference for model/bert: all-MiniLM-L6-v2's encoder in PyTorch, written from docs/lyrics.md
("The encoder").

  make-model DIR [--hidden 32 --layers 2 --heads 4 --intermediate 64 --vocab-lines 3000 --positions 64]
      Writes a BERT with random weights in the layout of all-MiniLM-L6-v2 (config.json, vocab.txt,
      model.safetensors). `--full` gives the real sizes (384 hidden, 6 layers, 12 heads, 1536,
      the whole 30522-token vocab, 512 positions), for benchmarks; not for committing.
  reference DIR OUT_PREFIX
      Encodes random token-id sequences of several lengths (padded into one batch with an attention
      mask) in float64 and writes OUT_PREFIX_ids.json (the sequences) and OUT_PREFIX_embeddings.npy
      (rows = sequences, L2-normalised mean-pooled last hidden states).
  time DIR IDS_JSON [--threads 2 --runs 2]
      Prints the seconds PyTorch float32 takes to encode the sequences of IDS_JSON in batches of
      32 sorted by length, as sentence-transformers does (bench_bert's reference).

The committed test model in tests/model/bert/data/ was made by:
  /usr/bin/python3 tools/minilm_reference.py make-model tests/model/bert/data/tiny_minilm
  /usr/bin/python3 tools/minilm_reference.py reference tests/model/bert/data/tiny_minilm tests/model/bert/data/tiny
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_file  # noqa: E402

VOCAB = os.path.join(os.path.dirname(__file__), "..", "tests", "text", "data",
                     "bert-base-uncased-vocab.txt")


# --- safetensors through tools/safetensors_file.py (the package is not in Debian).
def write_safetensors(path, tensors):
    safetensors_file.write_safetensors(
        path, [(name, {np.float32: "F32", np.int64: "I64"}[array.dtype.type], array.shape,
                np.ascontiguousarray(array).tobytes()) for name, array in tensors.items()],
        metadata={"format": "pt"})


read_safetensors = safetensors_file.read_safetensors


def make_model(args):
    rng = np.random.default_rng(args.seed)
    if args.full:
        args.hidden, args.layers, args.heads, args.intermediate = 384, 6, 12, 1536
        args.vocab_lines, args.positions = 30522, 512
    with open(VOCAB, encoding="utf-8") as f:
        vocab = f.read().split("\n")[: args.vocab_lines]
    os.makedirs(args.dir, exist_ok=True)
    with open(os.path.join(args.dir, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    h, inter = args.hidden, args.intermediate
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
        "hidden_size": h, "num_hidden_layers": args.layers, "num_attention_heads": args.heads,
        "intermediate_size": inter, "vocab_size": len(vocab),
        "max_position_embeddings": args.positions, "type_vocab_size": 2,
        "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "attention_probs_dropout_prob": 0.1, "hidden_dropout_prob": 0.1,
        "initializer_range": 0.02,
    }
    with open(os.path.join(args.dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)

    def normal(*shape, scale):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    # Scales large enough that every part of the network changes the result visibly.
    t = {
        "embeddings.word_embeddings.weight": normal(len(vocab), h, scale=0.5),
        "embeddings.position_embeddings.weight": normal(args.positions, h, scale=0.2),
        "embeddings.token_type_embeddings.weight": normal(2, h, scale=0.2),
        "embeddings.LayerNorm.weight": 1 + normal(h, scale=0.1),
        "embeddings.LayerNorm.bias": normal(h, scale=0.1),
    }
    for i in range(args.layers):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            t[p + f"attention.self.{name}.weight"] = normal(h, h, scale=1 / math.sqrt(h))
            t[p + f"attention.self.{name}.bias"] = normal(h, scale=0.1)
        t[p + "attention.output.dense.weight"] = normal(h, h, scale=1 / math.sqrt(h))
        t[p + "attention.output.dense.bias"] = normal(h, scale=0.1)
        t[p + "attention.output.LayerNorm.weight"] = 1 + normal(h, scale=0.1)
        t[p + "attention.output.LayerNorm.bias"] = normal(h, scale=0.1)
        t[p + "intermediate.dense.weight"] = normal(inter, h, scale=1 / math.sqrt(h))
        t[p + "intermediate.dense.bias"] = normal(inter, scale=0.1)
        t[p + "output.dense.weight"] = normal(h, inter, scale=1 / math.sqrt(inter))
        t[p + "output.dense.bias"] = normal(h, scale=0.1)
        t[p + "output.LayerNorm.weight"] = 1 + normal(h, scale=0.1)
        t[p + "output.LayerNorm.bias"] = normal(h, scale=0.1)
    t["pooler.dense.weight"] = normal(h, h, scale=1 / math.sqrt(h))
    t["pooler.dense.bias"] = normal(h, scale=0.1)
    t["embeddings.position_ids"] = np.arange(args.positions, dtype=np.int64).reshape(1, -1)
    write_safetensors(os.path.join(args.dir, "model.safetensors"), t)


def encode(weights, config, sequences, dtype=np.float64):
    """Sentence embeddings of token-id sequences, as sentence-transformers computes them."""
    w = weights if isinstance(next(iter(weights.values())), torch.Tensor) else as_torch(weights, dtype)
    h, heads = config["hidden_size"], config["num_attention_heads"]
    eps = config["layer_norm_eps"]
    batch, length = len(sequences), max(len(s) for s in sequences)
    ids = torch.zeros(batch, length, dtype=torch.long)
    mask = torch.zeros(batch, length, dtype=w["embeddings.LayerNorm.weight"].dtype)
    for b, s in enumerate(sequences):
        ids[b, : len(s)] = torch.tensor(s)
        mask[b, : len(s)] = 1

    def ln(x, name):
        return torch.nn.functional.layer_norm(x, (h,), w[name + ".weight"], w[name + ".bias"], eps)

    def linear(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][torch.arange(length)][None]
         + w["embeddings.token_type_embeddings.weight"][0][None, None])
    x = ln(x, "embeddings.LayerNorm")
    d = h // heads
    additive = (1 - mask)[:, None, None, :] * -1e30  # padded keys get no attention
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def split(t):
            return t.view(batch, length, heads, d).transpose(1, 2)

        q = split(linear(x, p + "attention.self.query"))
        k = split(linear(x, p + "attention.self.key"))
        v = split(linear(x, p + "attention.self.value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + additive
        context = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch, length, h)
        x = ln(x + linear(context, p + "attention.output.dense"), p + "attention.output.LayerNorm")
        inner = torch.nn.functional.gelu(linear(x, p + "intermediate.dense"))
        x = ln(x + linear(inner, p + "output.dense"), p + "output.LayerNorm")
    pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def as_torch(weights, dtype):
    return {k: torch.from_numpy(np.array(v, dtype=dtype)) for k, v in weights.items()
            if k != "embeddings.position_ids"}


def time_encode(args):
    """Seconds PyTorch (float32, `threads` threads) takes for the sequences of IDS_JSON, batched
    as sentence-transformers' encode() does: sorted by length, 32 per batch, padded."""
    import time
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.dir, "config.json")) as f:
        config = json.load(f)
    weights = as_torch(read_safetensors(os.path.join(args.dir, "model.safetensors")), np.float32)
    with open(args.ids_json) as f:
        sequences = json.load(f)["sequences"]
    ordered = sorted(sequences, key=len)
    best = float("inf")
    with torch.no_grad():
        for _ in range(args.runs):
            start = time.perf_counter()
            for i in range(0, len(ordered), 32):
                encode(weights, config, ordered[i:i + 32])
            best = min(best, time.perf_counter() - start)
    print(f"{best:.4f}")


def reference(args):
    with open(os.path.join(args.dir, "config.json")) as f:
        config = json.load(f)
    weights = read_safetensors(os.path.join(args.dir, "model.safetensors"))
    rng = np.random.default_rng(args.seed)
    sequences = []
    for length in (2, 3, 5, 8, 13, 1, 21, 34):
        body = rng.integers(103, config["vocab_size"], size=max(0, length - 2)).tolist()
        sequences.append(([101] + body + [102])[:length])
    embeddings = encode(weights, config, sequences)
    with open(args.out_prefix + "_ids.json", "w") as f:
        json.dump({"sequences": sequences}, f)
    np.save(args.out_prefix + "_embeddings.npy", embeddings)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make-model")
    make.add_argument("dir")
    make.add_argument("--hidden", type=int, default=32)
    make.add_argument("--layers", type=int, default=2)
    make.add_argument("--heads", type=int, default=4)
    make.add_argument("--intermediate", type=int, default=64)
    make.add_argument("--vocab-lines", type=int, default=3000)
    make.add_argument("--positions", type=int, default=64)
    make.add_argument("--full", action="store_true")
    make.add_argument("--seed", type=int, default=1)
    ref = sub.add_parser("reference")
    ref.add_argument("dir")
    ref.add_argument("out_prefix")
    ref.add_argument("--seed", type=int, default=2)
    timing = sub.add_parser("time")
    timing.add_argument("dir")
    timing.add_argument("ids_json")
    timing.add_argument("--threads", type=int, default=2)
    timing.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    {"make-model": make_model, "reference": reference, "time": time_encode}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
