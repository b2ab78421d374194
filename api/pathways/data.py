"""The rule files under knowledge_base/data/, loaded once: the code holds no thresholds of its own."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from api.core.config import REPO_ROOT

DATA_DIR = REPO_ROOT / "knowledge_base" / "data"


def _load(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return loaded


@lru_cache(maxsize=1)
def hsp_table() -> dict[str, Any]:
    return _load(DATA_DIR / "hsp_points.yml")


@lru_cache(maxsize=1)
def pathway_rules() -> dict[str, Any]:
    return _load(DATA_DIR / "pathways.yml")


@lru_cache(maxsize=1)
def framework_levels() -> dict[str, Any]:
    return _load(DATA_DIR / "jqf" / "levels.yml")


@lru_cache(maxsize=1)
def framework_qualifications() -> dict[str, Any]:
    return _load(DATA_DIR / "jqf" / "qualifications.yml")


@lru_cache(maxsize=1)
def framework_references() -> dict[str, Any]:
    return _load(DATA_DIR / "jqf" / "references.yml")


@lru_cache(maxsize=1)
def case_studies() -> dict[str, Any]:
    return _load(DATA_DIR / "case_studies" / "cases.yml")


def as_of(table: dict[str, Any]) -> date:
    value = table["as_of"]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def localised(texts: dict[str, str], language: str) -> str:
    """A YAML {ja: …, en: …} map in one language; every map carries all five (a test checks)."""
    return texts.get(language) or texts["en"]
