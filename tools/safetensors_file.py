"""The safetensors file layout, written and read without the safetensors package (not in Debian):
an 8-byte little-endian header length, a JSON header of name -> {dtype, shape, data_offsets}
padded with spaces to 8 bytes, as the reference library pads it, then the tensors' raw bytes."""
import json
import struct

import numpy as np

NUMPY_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4",
                "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}


def write_safetensors(path, entries, metadata=None):
    """entries: (name, dtype such as "F32", shape, raw little-endian bytes), in file order."""
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, data in entries:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def read_safetensors(path):
    """name -> numpy array (dtypes of NUMPY_DTYPES; BF16 is not read back), in file order."""
    with open(path, "rb") as f:
        raw = f.read()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        data = raw[8 + size + begin:8 + size + end]
        out[name] = np.frombuffer(data, dtype=NUMPY_DTYPES[info["dtype"]]).reshape(info["shape"])
    return out
