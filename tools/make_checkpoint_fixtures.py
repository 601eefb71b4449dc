#!/usr/bin/python3
"""Writes the checkpoint/ test fixtures to tests/checkpoint/data/.

One small state dict saved three ways (legacy torch.save, zip torch.save, safetensors written
here by hand since the safetensors package is not installed), a zip64 variant of the zip file, the
expected float32 values of every tensor as .npy, and hostile files: pickles that name os.system
(built byte by byte, never executed) and a legacy file whose pickle has an undefined opcode.

Run with Debian's python3, which has torch 1.13: /usr/bin/python3 tools/make_checkpoint_fixtures.py
"""
import collections
import json
import os
import pickle
import struct
import sys
import zipfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_file  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "checkpoint", "data")
# The payload the hostile pickles would run; the tests check that this file never appears.
PAYLOAD_FILE = "/tmp/bgv_checkpoint_payload_ran"


def state_dict():
    g = torch.Generator().manual_seed(20190501)
    sd = collections.OrderedDict()
    sd["conv.weight"] = torch.randn(4, 3, 2, 2, generator=g)
    base = torch.randn(5, 3, generator=g)
    sd["proj.weight"] = base.t()  # non-contiguous: shape (3, 5), stride (1, 3)
    shared = torch.randn(10, generator=g)
    sd["shared.a"] = shared[:6].view(2, 3)  # two views of one storage, overlapping
    sd["shared.b"] = shared[4:]  # storage offset 4
    sd["strided"] = shared[::3]  # stride 3 into the same storage
    sd["bn.gamma"] = torch.tensor([1.25])  # shape (1,)
    sd["scalar"] = torch.tensor(0.75)  # 0-d
    sd["empty"] = torch.zeros(0, 3)
    sd["half.weight"] = torch.tensor(
        [1.0, -2.5, 1 / 3, 65504.0, 6e-8, 1e-5, -0.0, float("inf"), float("-inf"), float("nan")],
        dtype=torch.float16)
    sd["bf16.weight"] = torch.tensor([[1.0, -3.140625, 1e-30], [3e38, -0.0, 0.1]], dtype=torch.bfloat16)
    sd["double.bias"] = torch.tensor([0.1, -1e-300, 12345.678901], dtype=torch.float64)
    sd["bn.num_batches_tracked"] = torch.tensor(12345)  # int64, 0-d
    sd["position_ids"] = torch.arange(8).view(1, 8)  # int64
    sd["param"] = torch.nn.Parameter(torch.randn(2, generator=g))  # via _rebuild_parameter
    # What Module.state_dict() attaches; the pickle carries it as BUILD state of the OrderedDict.
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("conv", {"version": 2})])
    return sd


SAFETENSORS_DTYPE = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
                     torch.bfloat16: "BF16", torch.int64: "I64"}


def raw_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, sd):
    safetensors_file.write_safetensors(
        path, [(name, SAFETENSORS_DTYPE[t.dtype], t.shape, raw_bytes(t)) for name, t in sd.items()],
        metadata={"format": "pt"})


def write_zip64(path, entries):
    """A stored zip whose every size and offset is in zip64 extra fields (0xffffffff in the
    32-bit fields), as archives over 4 GiB have them; PyTorch's small files never do."""
    out, central = bytearray(), bytearray()
    for name, data in entries:
        name_b = name.encode()
        crc = zipfile.crc32(data) & 0xffffffff
        local_offset = len(out)
        extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 0, 0, 0, crc, 0xffffffff, 0xffffffff,
                           len(name_b), len(extra)) + name_b + extra + data
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), local_offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 0, 0, 0, crc, 0xffffffff,
                               0xffffffff, len(name_b), len(extra), 0, 0, 0, 0, 0xffffffff) + name_b + extra
    cd_offset = len(out)
    out += central
    end64_offset = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, len(entries), len(entries),
                       len(central), cd_offset)
    out += struct.pack("<IIQI", 0x07064b50, 0, end64_offset, 1)
    out += struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff, 0xffffffff, 0)
    with open(path, "wb") as f:
        f.write(out)


def os_system_pickle():
    # GLOBAL 'os system', then os.system("touch PAYLOAD_FILE") by REDUCE, as a hostile file would.
    command = ("touch " + PAYLOAD_FILE).encode()
    return (b"\x80\x02cos\nsystem\nq\x00X" + struct.pack("<I", len(command)) + command +
            b"q\x01\x85q\x02Rq\x03.")


def legacy_prefix():
    # The first three pickles of a legacy file, exactly as torch.save writes them.
    return (pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) + pickle.dumps(1001, protocol=2) +
            pickle.dumps({"protocol_version": 1001, "little_endian": True,
                          "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2))


class _StorageView:
    pass


class _ViewTensor:
    """Pickles as torch's legacy format pickled a tensor on a storage view (PyTorch < 1.x)."""

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2,
                (_StorageView(), 1, (2, 2), (2, 1), False, collections.OrderedDict()))


class _LegacyPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _StorageView):  # elements 2..7 of root storage 'root' (10 floats)
            return ("storage", torch.FloatStorage, "root", "cpu", 10, ("view", 2, 6))
        return None


def write_legacy_storage_view(path):
    with open(path, "wb") as f:
        f.write(legacy_prefix())
        _LegacyPickler(f, protocol=2).dump(collections.OrderedDict([("v", _ViewTensor())]))
        pickle.dump(["root"], f, protocol=2)
        f.write(struct.pack("<q", 10) + np.arange(10, dtype="<f4").tobytes())
    loaded = torch.load(path)["v"]
    assert loaded.tolist() == [[3.0, 4.0], [5.0, 6.0]], loaded


def main():
    os.makedirs(os.path.join(OUT, "expected"), exist_ok=True)
    sd = state_dict()
    torch.save(sd, os.path.join(OUT, "small_legacy.bin"), _use_new_zipfile_serialization=False)
    torch.save(sd, os.path.join(OUT, "small_zip.pt"))
    # Protocol 4 brings FRAME, MEMOIZE, SHORT_BINUNICODE and STACK_GLOBAL-free framing.
    torch.save(sd, os.path.join(OUT, "small_legacy_protocol4.bin"), _use_new_zipfile_serialization=False,
               pickle_protocol=4)
    write_safetensors(os.path.join(OUT, "small.safetensors"), sd)
    with zipfile.ZipFile(os.path.join(OUT, "small_zip.pt")) as z:
        write_zip64(os.path.join(OUT, "small_zip64.pt"),
                    [(i.filename.replace("small_zip/", "renamed/"), z.read(i)) for i in z.infolist()])
    write_legacy_storage_view(os.path.join(OUT, "storage_view_legacy.bin"))
    for name, t in sd.items():
        np.save(os.path.join(OUT, "expected", name + ".npy"),
                t.detach().to(torch.float32).contiguous().numpy())

    with open(os.path.join(OUT, "os_system.pkl"), "wb") as f:
        f.write(os_system_pickle())
    with open(os.path.join(OUT, "os_system_legacy.bin"), "wb") as f:
        f.write(legacy_prefix() + os_system_pickle() + pickle.dumps([], protocol=2))
    with zipfile.ZipFile(os.path.join(OUT, "os_system_zip.pt"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", os_system_pickle())
        z.writestr("archive/version", "3\n")
    with open(os.path.join(OUT, "unknown_opcode_legacy.bin"), "wb") as f:
        f.write(legacy_prefix() + b"\x80\x02}q\x00\xff." + pickle.dumps([], protocol=2))
    # The hostile pickle must be refused by Python's own safe loader too (a check of the fixture).
    try:
        torch.load(os.path.join(OUT, "os_system_legacy.bin"), weights_only=True)
        sys.exit("weights_only loader accepted os.system")
    except Exception as e:  # noqa: BLE001 - any refusal will do
        print("torch weights_only refuses the hostile legacy file:", type(e).__name__)
    # And the good files must load in torch to the same values.
    for path in ("small_legacy.bin", "small_legacy_protocol4.bin", "small_zip.pt", "small_zip64.pt"):
        loaded = torch.load(os.path.join(OUT, path))
        for name, t in sd.items():
            assert torch.equal(loaded[name].float().nan_to_num(), t.float().nan_to_num()), (path, name)
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
