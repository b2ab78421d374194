from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base import cli, retriever
from knowledge_base.confidence import ConfidenceModel
from tests.knowledge_base.conftest import FakeEmbedder


@pytest.fixture(autouse=True)
def _fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retriever, "load_embedder", lambda *a, **k: FakeEmbedder())


def test_search_json_shape(built_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "--json", "--top", "1", "--index", str(built_index), "COE 3 months"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    data = json.loads(out[0])
    assert set(data) == {"language", "confident", "results"}
    assert isinstance(data["confident"], bool)
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
    assert set(rows[0]) == {"id", "language", "confident", "results"} and rows[0]["language"] == "ja"
    assert all(isinstance(r["confident"], bool) for r in rows[:2])
    assert rows[1]["language"] == "pt" and rows[1]["results"][0]["topic_id"] == "visa.fees"
    assert "error" in rows[2]


def test_search_empty_text_is_an_error(built_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "--json", "--index", str(built_index), "   "]) == 2
    assert "empty query" in capsys.readouterr().err


def _calibrate(index: Path, threshold: float) -> None:
    """A calibration for this very build whose confidence model answers everything (0.0) or nothing (> 1)."""
    manifest = json.loads((index / "manifest.json").read_text())
    model = ConfidenceModel.default().with_threshold(threshold)
    data = {
        "weights": {},
        "confidence": model.to_json(),
        "content_hash": manifest["content_hash"],
        "model_hash": manifest["model_hash"],
    }
    (index / "calibration.json").write_text(json.dumps(data))


@pytest.mark.parametrize("threshold", [0.0, 1.5])
def test_confident_is_the_calibrated_decision_single_and_batch(
    built_index: Path, tmp_path: Path, threshold: float, capsys: pytest.CaptureFixture[str]
) -> None:
    _calibrate(built_index, threshold)
    expected = threshold <= 1.0
    assert cli.main(["search", "--json", "--index", str(built_index), "taxa de renovação"]) == 0
    assert json.loads(capsys.readouterr().out)["confident"] is expected
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": 1, "text": "COE 3 months"}\n{"id": 2, "text": "手数料はいくら"}\n', encoding="utf-8")
    assert cli.main(["search", "--json", "--index", str(built_index), "--batch", str(batch)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert [r["confident"] for r in rows] == [expected, expected]
    # The same decision as the retriever's, which is what the chat answers on.
    loaded = retriever.Retriever.load(built_index, embedder=FakeEmbedder())
    assert loaded.search("COE 3 months").confident is expected


def test_validate_reports_example_questions_for_unknown_topics(
    content_dir: Path, questions_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validate", "--content", str(content_dir), "--questions", str(questions_dir)]
    (questions_dir / "pt.yml").write_text("topics:\n  visa.nothing: [qual é]\n", encoding="utf-8")
    assert cli.main(args) == 1
    assert "unknown topic 'visa.nothing'" in capsys.readouterr().err
    (questions_dir / "pt.yml").write_text("topics: [not, a, mapping]\n", encoding="utf-8")
    assert cli.main(args) == 1
    assert "no 'topics' mapping" in capsys.readouterr().err
