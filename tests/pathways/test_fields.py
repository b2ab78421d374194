"""Issue #17 item 1: six occupational fields on the prototype JQF, each a ladder with sources.

The data must hold what the page and the API promise: every rung has a source, a kind, a reason and the
descriptor columns it meets; paths join rungs of the same field; the new fields name an ISCED-F code and
the date their facts were checked; and /nqf shows every field as a ladder in each language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.config import REPO_ROOT, Settings
from api.core.i18n import Catalogs
from api.main import create_app
from api.pathways.data import framework_qualifications
from knowledge_base import articles
from knowledge_base.language import LANGUAGES

CATALOGS = Catalogs(REPO_ROOT / "locales")
NEW_FIELDS = ("food_service", "construction", "accommodation", "industrial_products")
KINDS = {"ssw1_test", "ssw2_test", "national_qualification", "vocational_title", "esd", "training"}
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("fields") / "test.db"
    settings = Settings(database_url=f"sqlite:///{database}", knowledge_enabled=False, health_components=("database",))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = framework_qualifications()["occupational"]
    return groups


def test_every_occupational_entry_has_a_source_a_kind_and_its_descriptors() -> None:
    for group in _groups():
        assert group["sources"] and all(URL.match(url) for url in group["sources"]), group["field"]
        assert re.fullmatch(r"\d{3,4}", group["isced_f"][0]), group["field"]
        for q in group["qualifications"]:
            assert q["sources"] and all(URL.match(url) for url in q["sources"]), q["id"]
            assert q["kind"] in KINDS, q["id"]
            assert q["uncertain"] is True and q["reason"]["en"], q["id"]
            if group["field"] in NEW_FIELDS:
                assert set(q["descriptors_met"]) <= {"knowledge", "skills", "autonomy"} and q["descriptors_met"]


def test_new_fields_cover_the_routes_the_issue_names_and_are_dated() -> None:
    """National qualifications, SSW (i) and (ii) tests, a vocational college title and the 2027 ESD route."""
    for group in _groups():
        if group["field"] not in NEW_FIELDS:
            continue
        assert str(group["as_of"]) == "2026-12-05"
        kinds = {q["kind"] for q in group["qualifications"]}
        assert {"ssw1_test", "ssw2_test", "vocational_title", "esd"} <= kinds, group["field"]
        esd = next(q for q in group["qualifications"] if q["kind"] == "esd")
        assert str(esd["starts"]) == "2027-04-01"
        ssw1 = next(q["level"] for q in group["qualifications"] if q["kind"] == "ssw1_test")
        ssw2 = next(q["level"] for q in group["qualifications"] if q["kind"] == "ssw2_test")
        assert ssw1 < ssw2, group["field"]


def test_paths_join_rungs_of_the_same_field_and_go_somewhere() -> None:
    for group in _groups():
        ids = {q["id"] for q in group["qualifications"]}
        assert group["paths"], group["field"]
        for path in group["paths"]:
            assert path["from"] in ids and path["to"] in ids and path["from"] != path["to"], path


def test_each_field_has_its_article_in_every_language() -> None:
    present = {(a.language, a.topic_id) for a in articles.load_all()}
    for group in _groups():
        for language in LANGUAGES:
            assert (language, group["article"]) in present, (language, group["article"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_lists_six_fields_as_ladders_with_sources(api: TestClient, language: str) -> None:
    body = api.get("/api/v1/nqf", params={"lang": language}).json()
    fields = body["occupational_fields"]
    assert len(fields) >= 6
    assert {f["field"] for f in fields} >= {"nursing_care", "it", *NEW_FIELDS}
    for field in fields:
        assert field["sources"] and field["ladder"] and field["isced_f"]
        levels = [rung["level"] for rung in field["ladder"]]
        assert levels == sorted(levels)
        for rung in field["ladder"]:
            assert rung["sources"], rung["id"]
    food = next(f for f in fields if f["field"] == "food_service")
    expected = framework_qualifications()["occupational"][2]["name"][language]
    assert food["name"] == expected
    assert food["paths"][0]["via"] == framework_qualifications()["occupational"][2]["paths"][0]["via"][language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_nqf_page_shows_every_field_as_a_ladder(api: TestClient, language: str) -> None:
    page = api.get("/nqf", params={"lang": language}).text
    assert CATALOGS.gettext("nqf.fields_title", language) in page
    for group in _groups():
        section = page.split(f'data-field="{group["field"]}"', 1)[1].split("</section>", 1)[0]
        assert group["name"][language] in section
        rungs = re.findall(r'data-level="(\d)" data-qualification="(\w+)"', section)
        # The ladder reads from the top: highest level first.
        assert [int(level) for level, _ in rungs] == sorted((q["level"] for q in group["qualifications"]), reverse=True)
        assert CATALOGS.gettext("nqf.paths", language) in section
        assert f'href="/kb/{language}/{group["article"]}"' in section
    assert CATALOGS.gettext("nqf.kind.esd", language) in page
