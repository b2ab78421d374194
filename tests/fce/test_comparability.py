"""The comparability data: schema, coverage of every required stage, levels that agree, translations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from api.fce.comparability import JAPAN_QUALIFICATIONS, JQF_FOR_ISCED, REQUIRED_STAGES, ComparabilityData, Country
from knowledge_base.language import LANGUAGES

DATA_DIR = REPO_ROOT / "knowledge_base" / "data" / "comparability"
DATA = ComparabilityData.load(DATA_DIR)
REQUIRED_COUNTRIES = [
    "VN",
    "NP",
    "BR",
    "PE",
    "PH",
    "ID",
    "CN",
    "KR",
    "IN",
    "LK",
    "MM",
    "BD",
    "MN",
    "TH",
    "US",
    "GB",
    "AU",
    "CA",
]


def test_every_required_country_has_a_file() -> None:
    assert set(REQUIRED_COUNTRIES) <= set(DATA.countries)


@pytest.mark.parametrize("code", REQUIRED_COUNTRIES)
def test_each_country_covers_the_required_stages_or_says_why_not(code: str) -> None:
    country = DATA.countries[code]
    stages = {credential.stage for credential in country.credentials}
    for stage in REQUIRED_STAGES:
        assert stage in stages or country.not_covered.get(stage, "").strip(), (code, stage)


@pytest.mark.parametrize("code", REQUIRED_COUNTRIES)
def test_levels_names_and_sources(code: str) -> None:
    for credential in DATA.countries[code].credentials:
        assert credential.jqf_level == JQF_FOR_ISCED[credential.isced_level]
        assert all(credential.names.as_dict()[language] for language in LANGUAGES)
        assert credential.japan_equivalent in JAPAN_QUALIFICATIONS
        assert all(source.startswith("https://") or source.startswith("http://") for source in credential.sources)
        if not credential.sources:
            assert credential.confidence == "low" and "to be verified by an evaluator" in credential.notes


def test_ids_are_unique_across_countries() -> None:
    ids = [c.id for country in DATA.countries.values() for c in country.credentials]
    assert len(ids) == len(set(ids))


def test_every_japanese_qualification_is_translated() -> None:
    catalogs = Catalogs(REPO_ROOT / "locales")
    for key in JAPAN_QUALIFICATIONS:
        for language in LANGUAGES:
            assert catalogs.has(f"fce.jp.{key}", language), (key, language)


def _raw(code: str) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((DATA_DIR / f"{code}.yml").read_text(encoding="utf-8"))
    return loaded


def test_schema_rejects_a_missing_stage_without_reason() -> None:
    raw = _raw("VN")
    raw["credentials"] = [c for c in raw["credentials"] if c["stage"] != "doctorate"]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="doctorate"):
        Country.model_validate(raw)
    raw["not_covered"] = {"doctorate": "no separate doctorate in this system"}
    assert Country.model_validate(raw).country == "VN"


def test_schema_rejects_levels_that_disagree_and_unsourced_confident_entries() -> None:
    raw = _raw("KR")
    raw["credentials"][2]["jqf_level"] = 7  # type: ignore[index]
    with pytest.raises(ValueError, match="jqf_level"):
        Country.model_validate(raw)
    raw = _raw("KR")
    raw["credentials"][2]["confidence"] = "high"  # type: ignore[index]
    with pytest.raises(ValueError, match="confidence"):
        Country.model_validate(raw)


def test_file_name_must_match_country(tmp_path: Path) -> None:
    (tmp_path / "XX.yml").write_text((DATA_DIR / "VN.yml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValueError, match="file name"):
        ComparabilityData.load(tmp_path)


def test_brazil_tecnologo_is_a_listed_undergraduate_degree() -> None:
    """The tecnólogo is a full graduação degree giving access to a master's (MEC; checked 2026-12-04)."""
    tecnologo = DATA.find("BR", "br_tecnologo")
    assert tecnologo is not None and tecnologo.stage == "bachelor" and tecnologo.isced_level == 6
    assert tecnologo.sources and any("mec.gov.br" in source for source in tecnologo.sources)
    assert "mestrado" in tecnologo.notes


def test_australian_aqf_8_awards_sit_at_bachelor_level() -> None:
    for credential_id in ("au_bachelor_honours", "au_graduate_diploma"):
        credential = DATA.find("AU", credential_id)
        assert credential is not None and credential.jqf_level == 6 and "AQF level 8" in credential.notes
