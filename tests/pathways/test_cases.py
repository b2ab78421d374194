"""Issue #17 item 3: model case studies, the page and the API in five languages, and the self-check's links.

The cases are editor-written composites: a whitelist of keys keeps personal details (names, ages,
employers, towns, dates of a life) out of the data, so anonymity does not rest on an editor's memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.core.config import REPO_ROOT, Settings
from api.core.i18n import Catalogs
from api.main import create_app
from api.pathways.cases import case_data
from api.pathways.data import pathway_rules
from knowledge_base.language import LANGUAGES

CATALOGS = Catalogs(REPO_ROOT / "locales")
CASE_KEYS = {"id", "source_kind", "region", "fields", "statuses", "title", "steps", "outcome", "rules"}
REGIONS = {"Southeast Asia", "South Asia", "East Asia", "South America", "Africa", "Europe", "Oceania"}
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("cases") / "test.db"
    settings = Settings(database_url=f"sqlite:///{database}", knowledge_enabled=False, health_components=("database",))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_at_least_eight_anonymised_cases_with_sourced_rules() -> None:
    cases = case_data()["cases"]
    assert len(cases) >= 8 and len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        assert set(case) - {"illustrative_future"} == CASE_KEYS, case["id"]
        assert case["region"]["en"] in REGIONS, case["id"]
        assert case["source_kind"] == "editor"
        assert [s["stage"] for s in case["steps"]][-1] == "career" or case["steps"][-1]["stage"] == "career"
        for text in [case["title"], case["outcome"], *(s["text"] for s in case["steps"])]:
            assert set(text) == set(LANGUAGES) and all(v.strip() for v in text.values()), case["id"]
        assert case["rules"]
        for rule in case["rules"]:
            assert set(rule["text"]) == set(LANGUAGES)
            assert rule["sources"] and all(URL.match(url) for url in rule["sources"]), case["id"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_lists_the_cases_in_each_language(api: TestClient, language: str) -> None:
    response = api.get("/api/v1/case-studies", params={"lang": language})
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == language and body["as_of"] == "2026-12-05"
    assert body["notes"] == [CATALOGS.gettext("cases.anonymised_notice", language)]
    assert len(body["case_studies"]) == len(case_data()["cases"]) >= 8
    first, data = body["case_studies"][0], case_data()["cases"][0]
    assert first["title"] == data["title"][language]
    assert first["steps"][0]["text"] == data["steps"][0]["text"][language]
    assert first["status_names"][0] == CATALOGS.gettext(f"pathways.status.{data['statuses'][0]}", language)
    assert first["field_names"][0] == pathway_rules()["fields"][data["fields"][0]]["name"][language]
    assert all(rule["sources"] for case in body["case_studies"] for rule in case["rules"])


def test_api_filters_by_status_and_field(api: TestClient) -> None:
    body = api.get("/api/v1/case-studies", params={"status": "ssw2", "lang": "vi"}).json()
    ids = {case["id"] for case in body["case_studies"]}
    assert ids == {c["id"] for c in case_data()["cases"] if "ssw2" in c["statuses"]} and ids
    body = api.get("/api/v1/case-studies", params={"field": "it"}).json()
    assert {case["id"] for case in body["case_studies"]} == {"it_senmonshi_engineer", "it_exam_instead_of_degree"}


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"status": "astronaut"}, ["query", "status"]),
        ({"field": "<script>"}, ["query", "field"]),
        ({"lang": "fr"}, ["query", "lang"]),
        ({"status": "x" * 500}, ["query", "status"]),
    ],
)
def test_bad_filters_are_a_422_naming_the_field(api: TestClient, params: dict[str, str], loc: list[str]) -> None:
    response = api.get("/api/v1/case-studies", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


@pytest.mark.parametrize("language", LANGUAGES)
def test_page_renders_every_case_in_each_language(api: TestClient, language: str) -> None:
    response = api.get("/case-studies", params={"lang": language})
    assert response.status_code == 200 and f'<html lang="{language}">' in response.text
    assert CATALOGS.gettext("cases.title", language) in response.text
    for case in case_data()["cases"]:
        assert f'id="case-{case["id"]}"' in response.text
    future = next(c for c in case_data()["cases"] if c.get("illustrative_future"))
    section = response.text.split(f'id="case-{future["id"]}"', 1)[1].split("</article>", 1)[0]
    assert CATALOGS.gettext("cases.illustrative_future", language) in section


def test_self_check_links_the_cases_that_resemble_the_person(api: TestClient) -> None:
    query = {"lang": "ne", "submitted": "1", "age": "24", "education_level": "upper_secondary"}
    query |= {"education_country": "NP", "education_field": "other", "experience_years": "1", "jlpt": "N4"}
    query |= {"ssw_skills_tests": "food_service", "job_offer_field": "food_service"}
    page = api.get("/pathways", params=query).text
    similar = page.split('data-testid="similar-cases"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'#case-(\w+)"', similar)
    assert links[0] == "food_service_to_ssw2_family" and 1 <= len(links) <= 3
    assert CATALOGS.gettext("cases.similar_title", "ne") in page


def test_self_check_for_an_it_graduate_links_it_cases_not_care() -> None:
    from api.pathways.cases import similar
    from api.pathways.schemas import ProfileRequest

    profile = ProfileRequest.model_validate(
        {"age": 27, "education_level": "bachelor", "education_country": "VN", "education_field": "it"}
        | {"experience_years": 2, "graduated_in_japan": False, "job_offer_field": "it"}
    )
    ids = [case.id for case in similar(profile, ["engineer_humanities"], "en", CATALOGS)]
    assert ids[:2] == ["it_senmonshi_engineer", "it_exam_instead_of_degree"]
    assert "care_ssw_to_certified" not in ids
