#!/usr/bin/env python3
"""Writes the small hand-made .npy seeds of fuzz/corpus/npy (the layout numpy writes, without
numpy): float32 2x2 (version 1.0), bool (3,) (version 2.0) and a uint16 scalar. The other seeds
are copies of tests/core/data/*.npy, which numpy wrote."""
import pathlib
import struct

OUT = pathlib.Path(__file__).resolve().parent.parent / "fuzz" / "corpus" / "npy"


def npy(descr, shape, data, version=1):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    prefix = 10 if version == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    length = struct.pack("<H" if version == 1 else "<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode() + data


OUT.mkdir(parents=True, exist_ok=True)
(OUT / "f4_2x2.npy").write_bytes(npy("<f4", "(2, 2)", struct.pack("<4f", 1, 2, 3, 4)))
(OUT / "b1_3_v2.npy").write_bytes(npy("|b1", "(3,)", b"\x01\x00\x01", version=2))
(OUT / "scalar_u2.npy").write_bytes(npy("<u2", "()", b"\x07\x00"))
