"""HSP points: every rule of hsp_points.yml at its boundaries, and worked examples done by hand."""

from __future__ import annotations

from typing import Any

import pytest

from api.pathways.points import calculate
from api.pathways.schemas import PointsRequest


def points(**overrides: Any) -> PointsRequest:
    base: dict[str, Any] = {
        "category": "b",
        "education": "none",
        "years_experience": 0,
        "annual_salary_jpy": 3_000_000,
        "age": 45,
    }
    return PointsRequest(**{**base, **overrides})


def item(request: PointsRequest, name: str) -> int:
    return sum(line.points for line in calculate(request).lines if line.item == name)


@pytest.mark.parametrize(("age", "expected"), [(29, 15), (30, 10), (34, 10), (35, 5), (39, 5), (40, 0)])
def test_age_points_at_each_edge(age: int, expected: int) -> None:
    assert item(points(age=age), "age") == expected


def test_management_has_no_age_points() -> None:
    assert item(points(category="c", age=25, annual_salary_jpy=10_000_000), "age") == 0


@pytest.mark.parametrize(
    ("salary", "age", "expected"),
    [
        (10_000_000, 60, 40),
        (9_999_999, 60, 35),
        (9_000_000, 60, 35),
        (8_999_999, 60, 30),
        (8_000_000, 60, 30),
        (7_999_999, 39, 25),
        (7_999_999, 40, 0),  # ¥7–8M counts only under 40
        (7_000_000, 39, 25),
        (6_999_999, 39, 20),
        (6_000_000, 39, 20),
        (6_000_000, 40, 0),
        (5_999_999, 34, 15),
        (5_000_000, 34, 15),
        (5_000_000, 35, 0),  # ¥5–6M counts only under 35
        (4_999_999, 29, 10),
        (4_000_000, 29, 10),
        (4_000_000, 30, 0),  # ¥4–5M counts only under 30
        (3_999_999, 20, 0),
    ],
)
def test_salary_bands_for_b_at_each_edge(salary: int, age: int, expected: int) -> None:
    assert item(points(annual_salary_jpy=salary, age=age), "salary") == expected


def test_salary_bands_for_a_are_the_same_as_b() -> None:
    assert item(points(category="a", annual_salary_jpy=6_500_000, age=33), "salary") == 20


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        (30_000_000, 50),
        (29_999_999, 40),
        (25_000_000, 40),
        (24_999_999, 30),
        (20_000_000, 30),
        (19_999_999, 20),
        (15_000_000, 20),
        (14_999_999, 10),
        (10_000_000, 10),
        (9_999_999, 0),
    ],
)
def test_management_salary_bands(salary: int, expected: int) -> None:
    assert item(points(category="c", annual_salary_jpy=salary), "salary_management") == expected


@pytest.mark.parametrize(("category", "salary", "below"), [("b", 2_999_999, True), ("b", 3_000_000, False)])
def test_salary_floor_edge(category: str, salary: int, below: bool) -> None:
    assert calculate(points(category=category, annual_salary_jpy=salary)).below_floor is below


def test_floor_makes_ineligible_even_with_70_points() -> None:
    """(i)(b), age 25: doctorate 30 + 10 years 20 + ¥2.9M 0 + age 15 + N1 15 + Japanese degree 10
    + top university 10 = 100 points, but the salary is under the ¥3M floor."""
    result = calculate(
        points(
            education="doctorate",
            years_experience=10,
            annual_salary_jpy=2_900_000,
            age=25,
            japanese="N1",
            japanese_university_degree=True,
            top_university=True,
        )
    )
    assert result.total == 100
    assert result.below_floor and not result.eligible and result.pr_fast_track_years is None


def test_floor_applies_to_c_but_not_to_a() -> None:
    assert calculate(points(category="c", annual_salary_jpy=2_000_000)).below_floor
    assert not calculate(points(category="a", annual_salary_jpy=2_000_000)).below_floor


@pytest.mark.parametrize(
    ("education", "expected"), [("doctorate", 30), ("mba_mot", 25), ("master", 20), ("bachelor", 10), ("none", 0)]
)
def test_only_the_highest_degree_counts(education: str, expected: int) -> None:
    request = points(education=education)
    assert item(request, "education") == expected
    assert len([line for line in calculate(request).lines if line.item == "education"]) == 1


@pytest.mark.parametrize(
    ("education", "expected"), [("doctorate", 5), ("mba_mot", 5), ("master", 5), ("bachelor", 0), ("none", 0)]
)
def test_multiple_degree_bonus_needs_a_postgraduate_degree(education: str, expected: int) -> None:
    assert item(points(education=education, multiple_degrees=True), "multiple_degrees") == expected


@pytest.mark.parametrize(
    ("years", "expected"), [(2, 0), (3, 5), (4, 5), (5, 10), (6, 10), (7, 15), (9, 15), (10, 20), (30, 20)]
)
def test_experience_bands(years: int, expected: int) -> None:
    assert item(points(years_experience=years), "experience") == expected


@pytest.mark.parametrize(
    ("japanese", "university", "language_points", "university_points"),
    [
        ("N1", False, 15, 0),
        ("N1", True, 15, 10),  # N1 and a Japanese degree add up
        ("N2", False, 10, 0),
        ("N2", True, 0, 10),  # N2 is not combined with the Japanese-university points
        (None, True, 0, 10),
        (None, False, 0, 0),
    ],
)
def test_japanese_and_japanese_university_combinations(
    japanese: str | None, university: bool, language_points: int, university_points: int
) -> None:
    request = points(japanese=japanese, japanese_university_degree=university)
    assert item(request, "japanese") == language_points
    assert item(request, "japanese_university") == university_points


def test_management_position_and_investment() -> None:
    request = points(
        category="c", annual_salary_jpy=10_000_000, position="representative_director", investment_100m=True
    )
    assert item(request, "position") == 10
    assert item(request, "investment_100m") == 5
    assert item(points(category="c", position="director"), "position") == 5
    assert item(points(category="b", position="director"), "position") == 0


def test_sme_bonus_only_with_innovation_support() -> None:
    assert item(points(innovation_sme=True), "innovation_sme") == 0
    assert item(points(innovation_support=True, innovation_sme=True), "innovation_sme") == 10
    lines = calculate(points(innovation_support=True, growth_field=True)).lines
    assert all(line.uncertain for line in lines if line.item in ("innovation_support", "growth_field"))


def test_items_without_verified_values_are_reported_not_guessed() -> None:
    result = calculate(points(category="a", education="doctorate", years_experience=10, age=40))
    assert {line.item for line in result.lines}.isdisjoint({"education", "experience"})
    assert result.not_counted == ["education", "experience", "research"]


def test_worked_example_engineer_85_points() -> None:
    """(i)(b): master's 20; 7 years → band 7–9 = 15; ¥8M → band ¥8–9M = 30 (no age limit);
    age 31 → 30–34 = 10; N2 without a Japanese degree = 10. 20+15+30+10+10 = 85 ≥ 80 → PR after 1 year."""
    result = calculate(
        points(education="master", years_experience=7, annual_salary_jpy=8_000_000, age=31, japanese="N2")
    )
    assert result.total == 85
    assert result.eligible and result.pr_fast_track_years == 1


def test_worked_example_graduate_in_japan_70_points() -> None:
    """(i)(b): bachelor 10; 3 years → 5; ¥5.5M at age 28 → band ¥5–6M (under 35) = 15; age 28 → 15;
    N1 = 15; Japanese degree = 10. 10+5+15+15+15+10 = 70 → eligible, PR after 3 years."""
    result = calculate(
        points(
            education="bachelor",
            years_experience=3,
            annual_salary_jpy=5_500_000,
            age=28,
            japanese="N1",
            japanese_university_degree=True,
        )
    )
    assert result.total == 70
    assert result.eligible and result.pr_fast_track_years == 3


def test_worked_example_just_short() -> None:
    """(i)(b): doctorate 30; 2 years → 0; ¥4.5M at 36 → band ¥4–5M needs under 30 → 0; age 36 → 5;
    N2 with a Japanese degree → N2 0 + degree 10. 30+0+0+5+0+10 = 45 → not eligible."""
    result = calculate(
        points(
            education="doctorate",
            years_experience=2,
            annual_salary_jpy=4_500_000,
            age=36,
            japanese="N2",
            japanese_university_degree=True,
        )
    )
    assert result.total == 45
    assert not result.eligible and result.pr_fast_track_years is None


def test_worked_example_manager() -> None:
    """(i)(c): ¥26M → band ¥25–30M = 40; representative director 10; investment ¥100M+ 5; N1 15.
    No age points in (c); academic and career values for (c) are not in the verified data.
    40+10+5+15 = 70 → eligible, PR after 3 years."""
    result = calculate(
        points(
            category="c",
            education="master",
            years_experience=12,
            annual_salary_jpy=26_000_000,
            age=50,
            japanese="N1",
            position="representative_director",
            investment_100m=True,
        )
    )
    assert result.total == 70
    assert result.eligible and result.pr_fast_track_years == 3


def test_eighty_points_gives_the_one_year_track() -> None:
    """(i)(b): doctorate 30 + 10 years 20 + ¥8M 30 = 80 (age 45: no age points) → PR after 1 year.
    At 39 with ¥7M: 30 + 20 + 25 (under 40) + 5 (age 35–39) = 80 as well."""
    at_80 = calculate(points(education="doctorate", years_experience=10, annual_salary_jpy=8_000_000))
    assert at_80.total == 80 and at_80.pr_fast_track_years == 1
    at_39 = calculate(points(education="doctorate", years_experience=10, annual_salary_jpy=7_000_000, age=39))
    assert at_39.total == 30 + 20 + 25 + 5 and at_39.pr_fast_track_years == 1
