from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base import cli, retriever
from tests.knowledge_base.conftest import FakeEmbedder


@pytest.fixture(autouse=True)
def _fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retriever, "load_embedder", lambda *a, **k: FakeEmbedder())


def test_search_json_shape(built_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "--json", "--top", "1", "--index", str(built_index), "COE 3 months"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    data = json.loads(out[0])
    assert set(data) == {"language", "results"}
    assert data["language"] == "en"
    assert len(data["results"]) == 1
    assert set(data["results"][0]) == {"topic_id", "title", "score", "url", "snippet"}
    assert data["results"][0]["topic_id"] == "visa.coe"


def test_search_batch_shape(built_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "q.jsonl"
    lines = [{"id": "a", "text": "手数料はいくら"}, {"id": "b", "text": "taxa de renovação"}, {"id": "c", "text": "  "}]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    assert cli.main(["search", "--json", "--top", "2", "--index", str(built_index), "--batch", str(batch)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert set(rows[0]) == {"id", "language", "results"} and rows[0]["language"] == "ja"
    assert rows[1]["language"] == "pt" and rows[1]["results"][0]["topic_id"] == "visa.fees"
    assert "error" in rows[2]


def test_search_empty_text_is_an_error(built_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "--json", "--index", str(built_index), "   "]) == 2
    assert "empty query" in capsys.readouterr().err
