"""Shared fixtures: small made-up articles in a tmp folder and a deterministic fake embedder.

The fake embedder hashes BM25 tokens into a vector, so index and retriever tests run in
milliseconds without the real model, and still retrieve by word overlap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.language import LANGUAGES
from knowledge_base.tokens import tokens

TOPICS = {
    "visa.coe": {
        "en": ("Certificate of Eligibility", "A COE is issued before the visa.", "How long a COE takes",
               "A certificate of eligibility takes one to three months and expires after three months."),
        "ja": ("在留資格認定証明書", "COEはビザの前に交付されます。", "COEの期間",
               "在留資格認定証明書の審査は1〜3か月かかり、交付から3か月で失効します。"),
        "vi": ("Giấy chứng nhận tư cách lưu trú", "COE được cấp trước visa.", "Thời gian COE",
               "Giấy chứng nhận tư cách lưu trú mất 1 đến 3 tháng và hết hạn sau 3 tháng."),
        "ne": ("योग्यता प्रमाणपत्र", "COE भिसाअघि जारी हुन्छ।", "COE को समय",
               "योग्यता प्रमाणपत्र आउन 1 देखि 3 महिना लाग्छ र 3 महिनामा म्याद सकिन्छ।"),
        "pt": ("Certificado de Elegibilidade", "O COE é emitido antes do visto.", "Prazo do COE",
               "O certificado de elegibilidade leva de um a três meses e vence em três meses."),
    },
    "visa.fees": {
        "en": ("Visa fees", "Renewal costs 4,000 yen at the window.", "Renewal fee",
               "An extension or change of status stamp costs 4,000 yen; permanent residence costs 8,000 yen."),
        "ja": ("手数料", "更新の手数料は4,000円です。", "更新の手数料",
               "在留期間更新と在留資格変更の収入印紙は4,000円、永住許可は8,000円です。"),
        "vi": ("Lệ phí visa", "Gia hạn tốn 4.000 yên.", "Phí gia hạn",
               "Phí gia hạn visa hoặc đổi tư cách lưu trú là 4.000 yên; vĩnh trú là 8.000 yên."),
        "ne": ("भिसा शुल्क", "नवीकरण शुल्क 4,000 येन हो।", "नवीकरण शुल्क",
               "भिसा नवीकरण वा हैसियत परिवर्तनको शुल्क 4,000 येन; स्थायी बसोबास 8,000 येन।"),
        "pt": ("Taxas de visto", "A renovação custa 4.000 ienes.", "Taxa de renovação",
               "A taxa de renovação ou mudança de status é 4.000 ienes; residência permanente 8.000 ienes."),
    },
}  # fmt: skip
TOPIC_IDS = tuple(TOPICS)


def article_text(topic: str, lang: str, **overrides: object) -> str:
    title, summary, heading, body = TOPICS[topic][lang]
    other = [t for t in TOPICS if t != topic]
    meta: dict[str, object] = {
        "topic_id": topic,
        "language": lang,
        "title": f'"{title}"',
        "summary": f'"{summary}"',
        "sources": "\n  - https://www.moj.go.jp/isa/",
        "last_reviewed": "2026-11-24",
        "as_of": "2026-11-24",
        "review_due": "2027-05-24",
        "review_status": "drafted",
        "related": f"[{', '.join(other)}]",
    }
    if lang != "en":
        meta["translation_of"] = "en"
    meta.update(overrides)
    front = "\n".join(f"{k}: {v}" for k, v in meta.items() if v is not None)
    return f"---\n{front}\n---\n\n## {heading}\n{body}\n\n## Next steps\n{summary}\n"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for topic in TOPICS:
        for lang in LANGUAGES:
            (root / lang).mkdir(parents=True, exist_ok=True)
            (root / lang / f"{topic}.md").write_text(article_text(topic, lang), encoding="utf-8")
    return root


class FakeEmbedder:
    name = "fake"
    fingerprint = "fake-1"
    dim = 64

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in tokens(text, romaji=True):
            v[int(hashlib.md5(tok.encode()).hexdigest(), 16) % self.dim] += 1.0  # noqa: S324 - not security
        v[0] += 0.01  # no all-zero vectors
        return v / np.linalg.norm(v)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts])


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


QUESTIONS = {
    "en": {"visa.coe": ["how many weeks until my coe comes"], "visa.fees": ["renewal stamp price"]},
    "ne": {"visa.fees": ["bhisa renew garda kati paisa tirnu parcha"]},
}


@pytest.fixture
def questions_dir(tmp_path: Path) -> Path:
    import yaml

    root = tmp_path / "questions"
    root.mkdir()
    for lang, topics in QUESTIONS.items():
        data = {"machine_drafted": True, "topics": topics}
        (root / f"{lang}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture
def built_index(tmp_path: Path, content_dir: Path, fake_embedder: FakeEmbedder, questions_dir: Path) -> Path:
    from knowledge_base.index_builder import build

    index = tmp_path / "index"
    build(index, content_dir, embedder=fake_embedder, questions_dir=questions_dir)
    return index


def write(root: Path, lang: str, topic: str, text: str) -> Path:
    path = root / lang / f"{topic}.md"
    path.write_text(text, encoding="utf-8")
    return path


Writer = Callable[[Path, str, str, str], Path]
