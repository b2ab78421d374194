"""The rule data and the framework: complete in five languages, with sources, agreed level numbers,
and the knowledge article nqf.japan_framework consistent with the YAML."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from api.core.config import REPO_ROOT
from api.pathways.data import (
    case_studies,
    framework_levels,
    framework_qualifications,
    framework_references,
    hsp_table,
    pathway_rules,
)
from knowledge_base.language import LANGUAGES

CONTENT = REPO_ROOT / "knowledge_base" / "content"
# Agreed with the credential-evaluation work: the ISCED level(s) of each JQF level. Never renumber.
AGREED_ISCED = {1: ["2"], 2: ["2", "3"], 3: ["3"], 4: ["4"], 5: ["5"], 6: ["6"], 7: ["7"], 8: ["8"]}
AGREED_PLACEMENTS = {
    "lower_secondary": 1,
    "shoninsha_kenshu": 2,
    "upper_secondary": 3,
    "jitsumusha_kenshu": 4,
    "associate_degree": 5,
    "senmonshi": 5,
    "kosen_associate": 5,
    "bachelor": 6,
    "bachelor_professional": 6,
    "koudo_senmonshi": 6,
    "master": 7,
    "professional_degree": 7,
    "doctorate": 8,
}


def _language_maps(node: Any) -> list[dict[str, Any]]:
    """Every mapping that holds text per language (has an 'en' key), anywhere in the data.

    Any value type counts: an unquoted comma in a YAML flow mapping splits a text into extra keys with
    null values, and such a map must fail the five-language check rather than be skipped."""
    found = []
    if isinstance(node, dict):
        if "en" in node:
            found.append(node)
        for value in node.values():
            found.extend(_language_maps(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_language_maps(value))
    return found


@pytest.mark.parametrize(
    "loader", [framework_levels, framework_qualifications, framework_references, pathway_rules, case_studies]
)
def test_every_text_in_the_data_exists_in_five_languages(loader: Any) -> None:
    maps = _language_maps(loader())
    assert maps
    for texts in maps:
        assert set(texts) == set(LANGUAGES), texts
        assert all(isinstance(text, str) and text.strip() for text in texts.values()), texts


def test_levels_and_isced_are_the_agreed_numbers() -> None:
    levels = framework_levels()["levels"]
    assert {level["level"]: level["isced"] for level in levels} == AGREED_ISCED
    for level in levels:
        assert {"knowledge", "skills", "autonomy", "title"} <= set(level)


def _all_qualifications() -> list[dict[str, Any]]:
    data = framework_qualifications()
    return [*data["academic"], *(q for group in data["occupational"] for q in group["qualifications"])]


def test_placements_match_the_agreement_and_occupational_ones_are_uncertain() -> None:
    placed = {q["id"]: q["level"] for q in _all_qualifications()}
    assert {k: placed[k] for k in AGREED_PLACEMENTS} == AGREED_PLACEMENTS
    for group in framework_qualifications()["occupational"]:
        for q in group["qualifications"]:
            assert q["uncertain"] is True and "reason" in q, q["id"]
    assert {group["field"] for group in framework_qualifications()["occupational"]} == {
        "nursing_care",
        "it",
        "food_service",
        "construction",
        "accommodation",
        "industrial_products",
    }


def test_nic_japan_codes_only_where_facts_give_them() -> None:
    codes = {q["id"]: q.get("isced_code") for q in _all_qualifications() if q.get("isced_code")}
    assert codes == {"associate_degree": "544", "bachelor": "665"}


def test_reference_frameworks_and_nepal_is_marked_unverified() -> None:
    refs = {ref["id"]: ref for ref in framework_references()["frameworks"]}
    assert {k: r["levels"] for k, r in refs.items()} == {
        "aqf": 10,
        "eqf": 8,
        "vqf": 8,
        "nepal_nqf": None,
        "pqf": 8,
        "kkni": 9,
        "aqrf": 8,
    }
    assert refs["nepal_nqf"]["levels_verified"] is False
    assert all(cell["basis"] == "unverified" for cell in refs["nepal_nqf"]["map"].values())
    for ref in refs.values():
        assert set(ref["map"]) == set(range(1, 9)) and ref["sources"]


def test_aqf_8_is_referenced_at_bachelor_level_like_the_comparability_data() -> None:
    """AQF 8 (Bachelor Honours, Graduate Certificate/Diploma) was unmapped; comparability/AU.yml places the
    Honours degree at bachelor level (JQF 6), so the referencing table must too (checked 2026-12-04)."""
    aqf = next(ref for ref in framework_references()["frameworks"] if ref["id"] == "aqf")
    mapped = {cell["level"] for cell in aqf["map"].values()}
    assert any("8" in level.split("-") for level in mapped)
    assert aqf["map"][6]["level"] == "7-8" and aqf["map"][7]["level"] == "9"
    au = yaml.safe_load(
        (REPO_ROOT / "knowledge_base" / "data" / "comparability" / "AU.yml").read_text(encoding="utf-8")
    )
    honours = next(c for c in au["credentials"] if c["id"] == "au_bachelor_honours")
    assert honours["jqf_level"] == 6 and "AQF level 8" in honours["notes"]


def test_j_skip_two_domestic_workers_need_household_income_of_30_million() -> None:
    rule = pathway_rules()["statuses"]["j_skip"]
    assert rule["domestic_workers_max"] == 2 and rule["domestic_workers_min_household_income_jpy"] == 30_000_000


def test_aqrf_has_eight_levels_all_judgement() -> None:
    aqrf = next(ref for ref in framework_references()["frameworks"] if ref["id"] == "aqrf")
    assert aqrf["levels"] == 8 and aqrf["levels_verified"] is True
    assert [aqrf["map"][n]["level"] for n in range(1, 9)] == [str(n) for n in range(1, 9)]
    assert {cell["basis"] for cell in aqrf["map"].values()} == {"judgement"}


def test_every_rule_item_has_sources() -> None:
    for name, item in hsp_table()["items"].items():
        assert item["sources"], name
    for name, rule in pathway_rules()["statuses"].items():
        assert rule["sources"] and rule["topics"], name


def _source_lists(item: dict[str, Any]) -> list[list[str]]:
    sources = item["sources"]
    return list(sources.values()) if isinstance(sources, dict) else [sources]


def test_hsp_items_are_verified_from_two_sources_or_marked_uncertain() -> None:
    """Issue #7: every value needs two independent sources; anything else is `uncertain` with a note.
    The FACTS ⚠ on the innovation/growth-field combination is resolved (verified), so those are not
    uncertain any more; JICA training's value stays uncertain (one source)."""
    items = hsp_table()["items"]
    for name, entry in items.items():
        if entry.get("uncertain"):
            assert entry["note"], name
        else:
            assert all(len(set(urls)) >= 2 for urls in _source_lists(entry)), name
    assert not any(items[name].get("uncertain") for name in ("innovation_support", "innovation_sme", "growth_field"))
    assert items["jica_training"]["uncertain"] is True


def test_hsp_values_by_category_cover_each_category() -> None:
    table = hsp_table()
    for name, entry in table["items"].items():
        assert set(entry["categories"]) <= set(table["categories"]), name
        if "by_category" in entry:
            assert set(entry["by_category"]) == set(entry["categories"]), name
        if isinstance(entry["sources"], dict):
            assert set(entry["sources"]) == set(entry["categories"]), name
    education = table["items"]["education"]["by_category"]
    assert all(
        set(part["values"]) == {"doctorate", "mba_mot", "master", "bachelor", "none"} for part in education.values()
    )
    assert table["salary_floor"]["categories"] == ["b", "c"]


def test_uncertain_facts_are_marked_uncertain_in_the_data() -> None:
    """FACTS ⚠: SSW (ii) status of the 2024 fields; the 2026 SSW fields; KOSEN as an equivalent; junior colleges."""
    fields = pathway_rules()["fields"]
    for name in ("automobile_transportation", "railway", "forestry", "wood_industry"):
        assert fields[name]["ssw2"] is False and fields[name]["ssw2_uncertain"] is True
    for name in ("linen_supply", "logistics_warehousing", "resource_circulation"):
        assert fields[name]["ssw1"] == "planned"
    statuses = pathway_rules()["statuses"]
    assert statuses["engineer_humanities"]["equivalent_levels_uncertain"] == ["kosen"]
    # Whether a junior college counts for HSP's +10 Japanese-university bonus is not confirmed.
    assert statuses["hsp"]["japanese_university_levels_uncertain"] == ["associate"]


def test_designated_46_groups_of_notice_51_are_confirmed_not_uncertain() -> None:
    """MOJ Notice No. 51 (29 Feb 2024) added MEXT-certified 高度専門士 courses: no longer ⚠ (checked 2026-12-04)."""
    rule = pathway_rules()["statuses"]["designated_46"]
    assert "japan_levels_uncertain" not in rule
    assert rule["certified_course_levels"] == ["koudo_senmonshi"]
    assert "associate" not in rule["japan_levels"]  # 本邦の大学（短期大学を除く）
    assert "https://www.moj.go.jp/isa/content/001413897.pdf" in rule["sources"]


def _topic_ids() -> set[str]:
    existing = {path.stem for path in (CONTENT / "en").glob("*.md")}
    facts = REPO_ROOT.parent / "shared" / "FACTS.md"
    proposed = (
        set(re.findall(r"\| \d+ \| (\w+\.\w+) \|", facts.read_text(encoding="utf-8"))) if facts.exists() else set()
    )
    return existing | proposed


def test_linked_topics_exist_or_are_proposed_ids() -> None:
    known = _topic_ids()
    for rule in pathway_rules()["statuses"].values():
        assert set(rule["topics"]) <= known, rule["topics"]


def _article(language: str) -> tuple[dict[str, Any], str]:
    text = (CONTENT / language / "nqf.japan_framework.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


@pytest.mark.parametrize("language", LANGUAGES)
def test_article_front_matter(language: str) -> None:
    meta, _ = _article(language)
    assert meta["topic_id"] == "nqf.japan_framework" and meta["language"] == language
    assert meta["review_status"] == "drafted" and meta["sources"]
    assert (language == "en") is ("translation_of" not in meta)
    existing = {path.stem for path in (CONTENT / "en").glob("*.md")}
    assert set(meta["related"]) <= existing


@pytest.mark.parametrize("language", LANGUAGES)
def test_article_matches_the_framework_data(language: str) -> None:
    """Every level number with its ISCED level, and every placed qualification, appear in each language."""
    _, body = _article(language)
    rows = dict(re.findall(r"^\| (\d) \| ([\d–]+) \|", body, flags=re.MULTILINE))
    assert rows == {str(level): "–".join(isced) for level, isced in AGREED_ISCED.items()}
    for q in _all_qualifications():
        row = re.search(rf"^\| {q['level']} \|.*$", body, flags=re.MULTILINE)
        assert row is not None and q["name"]["ja"] in row.group(0), (language, q["id"])
