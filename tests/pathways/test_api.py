"""The HTTP contract: /api/v1/nqf, /api/v1/pathways/hsp-points, /api/v1/pathways/check, the pages, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.config import REPO_ROOT, Settings
from api.core.i18n import Catalogs
from api.main import create_app
from knowledge_base.language import LANGUAGES

CATALOGS = Catalogs(REPO_ROOT / "locales")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the module: these endpoints keep no state, and building an app per test is slow."""
    database = tmp_path_factory.mktemp("pathways") / "test.db"
    settings = Settings(database_url=f"sqlite:///{database}", knowledge_enabled=False, health_components=("database",))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


POINTS = {
    "category": "b",
    "education": "master",
    "years_experience": 7,
    "annual_salary_jpy": 8_000_000,
    "age": 31,
    "japanese": "N2",
    "japanese_university_degree": False,
}
PROFILE = {
    "age": 27,
    "education_level": "bachelor",
    "education_country": "NP",
    "education_field": "it",
    "experience_years": 2,
    "graduated_in_japan": False,
    "job_offer_field": "it",
    "job_offer_salary_jpy": 4_000_000,
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_points_answer_in_the_requested_language(api: TestClient, language: str) -> None:
    response = api.post("/api/v1/pathways/hsp-points", json={**POINTS, "language": language})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 85 and body["eligible"] is True and body["pr_fast_track_years"] == 1
    assert {line["item"] for line in body["breakdown"]} == {"education", "experience", "salary", "age", "japanese"}
    assert all({"item", "points", "rule"} <= set(line) for line in body["breakdown"])
    assert body["notes"][0] == CATALOGS.gettext("pathways.guidance_not_decision", language)
    assert body["as_of"] == "2026-11-24" and body["guidance_only"] is True


def test_points_below_floor_says_why(api: TestClient) -> None:
    body = api.post("/api/v1/pathways/hsp-points", json={**POINTS, "annual_salary_jpy": 2_999_999}).json()
    assert body["eligible"] is False and body["pr_fast_track_years"] is None
    assert any("3,000,000" in note for note in body["notes"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age": -1}, "age"),
        ({"age": 300}, "age"),
        ({"age": "31"}, "age"),
        ({"annual_salary_jpy": -5}, "annual_salary_jpy"),
        ({"annual_salary_jpy": 10**12}, "annual_salary_jpy"),
        ({"annual_salary_jpy": "8000000"}, "annual_salary_jpy"),
        ({"years_experience": "7"}, "years_experience"),
        ({"years_experience": 40}, "years_experience"),  # more than possible at 31
        ({"category": "d"}, "category"),
        ({"education": "phd"}, "education"),
        ({"japanese": "N3"}, "japanese"),
        ({"language": "fr"}, "language"),
        ({"japanese_university_degree": "yes"}, "japanese_university_degree"),
        ({"bonus": True}, "bonus"),
        ({"position": "ceo"}, "position"),
        ({"research_achievements": 5}, "research_achievements"),  # there are four kinds
        ({"research_achievements": -1}, "research_achievements"),
        ({"research_achievements": "2"}, "research_achievements"),
        ({"research_achievements": 1.5}, "research_achievements"),
        ({"national_qualifications": -1}, "national_qualifications"),
        ({"national_qualifications": 21}, "national_qualifications"),
        ({"national_qualifications": True}, "national_qualifications"),
        ({"local_government_support": "on"}, "local_government_support"),
        ({"rnd_intensive_sme": 1}, "rnd_intensive_sme"),
        ({"foreign_qualification": "true"}, "foreign_qualification"),
        ({"investment_management": None}, "investment_management"),
        ({"jica_training": "yes"}, "jica_training"),
    ],
)
def test_points_bad_input_names_the_field(api: TestClient, change: dict[str, Any], field: str) -> None:
    response = api.post("/api/v1/pathways/hsp-points", json={**POINTS, **change})
    assert response.status_code == 422
    assert field in {str(e["loc"][-1]) for e in response.json()["detail"]}


@pytest.mark.parametrize("category", ["a", "c"])
@pytest.mark.parametrize("change", [{"research_achievements": 5}, {"years_experience": 40}, {"age": "50"}])
def test_points_bad_input_for_a_and_c_names_the_field(api: TestClient, category: str, change: dict[str, Any]) -> None:
    response = api.post("/api/v1/pathways/hsp-points", json={**POINTS, "category": category, **change})
    assert response.status_code == 422
    assert set(change) <= {str(e["loc"][-1]) for e in response.json()["detail"]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_points_for_research_and_management_in_every_language(api: TestClient, language: str) -> None:
    """(i)(a): doctorate 30 + 3 years 5 + ¥5.2M at 29 15 + age 15 + one research kind 20 = 85.
    (i)(c): master's 20 + 12 years 25 + ¥26M 40 + representative director 10 + ¥100M 5 + N1 15 = 115."""
    research = {
        "category": "a",
        "education": "doctorate",
        "years_experience": 3,
        "annual_salary_jpy": 5_200_000,
        "age": 29,
        "research_achievements": 1,
        "language": language,
    }
    body = api.post("/api/v1/pathways/hsp-points", json=research).json()
    assert body["total"] == 85 and body["eligible"] is True and body["pr_fast_track_years"] == 1
    items = {line["item"]: line for line in body["breakdown"]}
    assert set(items) == {"education", "experience", "salary", "age", "research"}
    # One kind: the singular form (#20: "of 1 kinds", "de 1 tipos" before plural forms).
    assert items["research"]["rule"] == CATALOGS.ngettext("points.rule.research", 1, language, min=1)
    assert body["not_counted"] == []
    management = {
        "category": "c",
        "education": "master",
        "years_experience": 12,
        "annual_salary_jpy": 26_000_000,
        "age": 50,
        "japanese": "N1",
        "position": "representative_director",
        "investment_100m": True,
        "language": language,
    }
    body = api.post("/api/v1/pathways/hsp-points", json=management).json()
    assert body["total"] == 115 and body["pr_fast_track_years"] == 1
    items = {line["item"]: line for line in body["breakdown"]}
    assert set(items) == {"education", "experience", "salary_management", "position", "investment_100m", "japanese"}
    assert items["experience"]["points"] == 25
    assert items["experience"]["rule"] == CATALOGS.gettext(
        "points.rule.experience_management", language, years=12, min=10
    )
    assert all({"item", "points", "rule"} <= set(line) for line in body["breakdown"])


def test_points_uncertain_item_is_named_in_the_notes(api: TestClient) -> None:
    body = api.post("/api/v1/pathways/hsp-points", json={**POINTS, "jica_training": True, "language": "ja"}).json()
    label = CATALOGS.gettext("points.item.jica_training", "ja")
    assert CATALOGS.gettext("points.note.uncertain", "ja", items=label) in body["notes"]
    assert body["total"] == 85 + 5


def test_points_missing_field_is_named(api: TestClient) -> None:
    body = {k: v for k, v in POINTS.items() if k != "age"}
    response = api.post("/api/v1/pathways/hsp-points", json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "age"]


def test_check_groups_statuses(api: TestClient) -> None:
    response = api.post("/api/v1/pathways/check", json={**PROFILE, "language": "ne"})
    assert response.status_code == 200
    body = response.json()
    groups = {group: [s["status"] for s in body[group]] for group in ("fits", "nearly", "does_not_fit")}
    assert "engineer_humanities" in groups["fits"]
    assert sum(len(v) for v in groups.values()) == 10
    assert body["notes"][0] == CATALOGS.gettext("pathways.guidance_not_decision", "ne")
    assert body["as_of"] == "2026-12-04"  # pathways.yml: the rules were checked again on 4 December 2026
    first = body["fits"][0]
    assert first["topics"][0]["url"].startswith("/kb/ne/") and first["sources"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age": -3}, "age"),
        ({"age": "27"}, "age"),
        ({"education_level": "phd"}, "education_level"),
        ({"education_field": "astrology"}, "education_field"),
        ({"education_country": "Nepal"}, "education_country"),
        ({"job_offer_salary_jpy": -1}, "job_offer_salary_jpy"),
        ({"job_offer_salary_jpy": "lots"}, "job_offer_salary_jpy"),
        ({"ssw_skills_tests": ["astrology"]}, "ssw_skills_tests"),
        ({"experience_years": 30}, "experience_years"),
        ({"jlpt": "N6"}, "jlpt"),
    ],
)
def test_check_bad_input_names_the_field(api: TestClient, change: dict[str, Any], field: str) -> None:
    response = api.post("/api/v1/pathways/check", json={**PROFILE, **change})
    assert response.status_code == 422
    assert field in {str(part) for e in response.json()["detail"] for part in e["loc"]}


def test_salary_without_job_field_is_rejected(api: TestClient) -> None:
    body = {**PROFILE, "job_offer_field": None}
    response = api.post("/api/v1/pathways/check", json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "job_offer_salary_jpy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_nqf_json_in_every_language(api: TestClient, language: str) -> None:
    body = api.get("/api/v1/nqf", params={"lang": language}).json()
    assert [level["level"] for level in body["levels"]] == list(range(1, 9))
    assert body["levels"][5]["isced"][0]["level"] == 6
    assert {ref["id"] for ref in body["reference_frameworks"]} == {
        "aqf",
        "eqf",
        "vqf",
        "nepal_nqf",
        "pqf",
        "kkni",
        "aqrf",
    }
    nepal = next(ref for ref in body["reference_frameworks"] if ref["id"] == "nepal_nqf")
    assert nepal["levels_verified"] is False
    assert body["notes"][0] == CATALOGS.gettext("nqf.prototype_notice", language)


def test_nqf_rejects_unknown_language(api: TestClient) -> None:
    response = api.get("/api/v1/nqf", params={"lang": "fr"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "lang"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("path", "title"), [("/nqf", "nqf.title"), ("/pathways", "pathways.title"), ("/pathways/points", "points.title")]
)
def test_pages_render_in_every_language(api: TestClient, language: str, path: str, title: str) -> None:
    response = api.get(path, params={"lang": language})
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert CATALOGS.gettext(title, language) in response.text
    assert CATALOGS.gettext("pathways.guidance_not_decision", language) in response.text


def test_points_page_shows_result_and_errors(api: TestClient) -> None:
    query = {"lang": "pt", "submitted": "1", "category": "b", "education": "master", "age": "31"}
    query |= {"years_experience": "7", "annual_salary_jpy": "8,000,000", "japanese": "N2"}
    page = api.get("/pathways/points", params=query).text
    assert CATALOGS.gettext("points.result.total", "pt", total=85, threshold=70) in page
    bad = api.get("/pathways/points", params={**query, "age": "abc"}).text
    assert CATALOGS.gettext("pathways.form.fix_errors", "pt") in bad


def test_points_page_takes_the_research_and_management_fields(api: TestClient) -> None:
    """The same (i)(a) 85 and (i)(c) 115 as the API, entered as form strings; a bad count is reported."""
    research = {"lang": "vi", "submitted": "1", "category": "a", "education": "doctorate", "age": "29"}
    research |= {"years_experience": "3", "annual_salary_jpy": "5,200,000", "research_achievements": "1"}
    page = api.get("/pathways/points", params=research).text
    assert CATALOGS.gettext("points.result.total", "vi", total=85, threshold=70) in page
    assert CATALOGS.gettext("points.form.research_achievements", "vi") in page
    management = {"lang": "en", "submitted": "1", "category": "c", "education": "master", "age": "50"}
    management |= {"years_experience": "12", "annual_salary_jpy": "26000000", "japanese": "N1"}
    management |= {"position": "representative_director", "investment_100m": "on"}
    page = api.get("/pathways/points", params=management).text
    assert CATALOGS.gettext("points.result.total", "en", total=115, threshold=70) in page
    bad = api.get("/pathways/points", params={**research, "research_achievements": "7"}).text
    assert CATALOGS.gettext("pathways.form.fix_errors", "vi") in bad and 'name="research_achievements"' in bad
    assert "pw-error" in bad.split('name="research_achievements"', 1)[1].split("</label>", 2)[1]


def test_pathways_page_shows_groups(api: TestClient) -> None:
    query = {"lang": "vi", "submitted": "1", **{k: str(v) for k, v in PROFILE.items() if k != "graduated_in_japan"}}
    page = api.get("/pathways", params=query).text
    assert CATALOGS.gettext("pathways.group.fits", "vi") in page
    assert CATALOGS.gettext("pathways.status.engineer_humanities", "vi") in page


def test_endpoints_on_the_shared_app_fixture(client: TestClient) -> None:
    """The same contract on the suite's standard app (SQLite, and PostgreSQL when configured)."""
    assert client.post("/api/v1/pathways/hsp-points", json=POINTS).json()["total"] == 85
    assert client.post("/api/v1/pathways/check", json=PROFILE).status_code == 200
    assert client.get("/api/v1/nqf").status_code == 200
