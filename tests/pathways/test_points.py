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


@pytest.mark.parametrize("category", ["a", "b"])
@pytest.mark.parametrize(
    ("age", "expected"), [(15, 15), (29, 15), (30, 10), (34, 10), (35, 5), (39, 5), (40, 0), (100, 0)]
)
def test_age_points_at_each_edge(category: str, age: int, expected: int) -> None:
    assert item(points(category=category, age=age), "age") == expected


def test_management_has_no_age_points() -> None:
    result = calculate(points(category="c", age=25, annual_salary_jpy=10_000_000))
    assert "age" not in {line.item for line in result.lines}


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
        (0, 20, 0),
    ],
)
@pytest.mark.parametrize("category", ["a", "b"])
def test_salary_bands_for_a_and_b_at_each_edge(category: str, salary: int, age: int, expected: int) -> None:
    assert item(points(category=category, annual_salary_jpy=salary, age=age), "salary") == expected


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
    request = points(category="c", annual_salary_jpy=salary)
    assert item(request, "salary_management") == expected
    assert "salary" not in {line.item for line in calculate(request).lines}  # the (a)/(b) scale is not used


def test_management_salary_bands_ignore_age() -> None:
    """¥10M counts 10 at any age in (i)(c); there is no under-40 condition as in (a)/(b)."""
    assert item(points(category="c", annual_salary_jpy=10_000_000, age=70), "salary_management") == 10


@pytest.mark.parametrize(
    ("category", "salary", "below"),
    [
        ("b", 2_999_999, True),
        ("b", 3_000_000, False),
        ("c", 2_999_999, True),
        ("c", 3_000_000, False),
        ("a", 0, False),  # (i)(a) has no salary floor
        ("a", 2_999_999, False),
    ],
)
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
    ("category", "education", "expected"),
    [
        ("a", "doctorate", 30),
        ("a", "mba_mot", 20),  # (i)(a): an MBA/MOT is a professional degree, 修士又は専門職学位 = 20
        ("a", "master", 20),
        ("a", "bachelor", 10),
        ("a", "none", 0),
        ("b", "doctorate", 30),
        ("b", "mba_mot", 25),
        ("b", "master", 20),
        ("b", "bachelor", 10),
        ("b", "none", 0),
        ("c", "doctorate", 20),  # (i)(c): 博士若しくは修士の学位又は専門職学位 = 20
        ("c", "mba_mot", 25),  # (i)(c): 経営管理に関する専門職学位 = 25
        ("c", "master", 20),
        ("c", "bachelor", 10),
        ("c", "none", 0),
    ],
)
def test_only_the_highest_degree_counts(category: str, education: str, expected: int) -> None:
    request = points(category=category, education=education, annual_salary_jpy=10_000_000)
    assert item(request, "education") == expected
    assert len([line for line in calculate(request).lines if line.item == "education"]) == 1


@pytest.mark.parametrize(
    ("category", "rule"),
    [
        ("a", "points.rule.education_research"),
        ("b", "points.rule.education"),
        ("c", "points.rule.education_management"),
    ],
)
def test_education_rule_explains_the_category(category: str, rule: str) -> None:
    (line,) = [x for x in calculate(points(category=category, education="master")).lines if x.item == "education"]
    assert line.rule == rule
    (none,) = [x for x in calculate(points(category=category)).lines if x.item == "education"]
    assert none.rule == "points.rule.education_none"


@pytest.mark.parametrize("category", ["a", "b", "c"])
@pytest.mark.parametrize(
    ("education", "expected"), [("doctorate", 5), ("mba_mot", 5), ("master", 5), ("bachelor", 0), ("none", 0)]
)
def test_multiple_degree_bonus_needs_a_postgraduate_degree(category: str, education: str, expected: int) -> None:
    assert item(points(category=category, education=education, multiple_degrees=True), "multiple_degrees") == expected


@pytest.mark.parametrize(
    ("years", "expected"), [(0, 0), (2, 0), (3, 5), (4, 5), (5, 10), (6, 10), (7, 15), (9, 15), (10, 20), (30, 20)]
)
def test_experience_bands(years: int, expected: int) -> None:
    assert item(points(years_experience=years), "experience") == expected


@pytest.mark.parametrize(
    ("years", "expected"), [(0, 0), (2, 0), (3, 5), (4, 5), (5, 10), (6, 10), (7, 15), (9, 15), (10, 15), (35, 15)]
)
def test_experience_bands_for_research(years: int, expected: int) -> None:
    """(i)(a) tops out at 7 years (15); there is no 10-year band."""
    assert item(points(category="a", years_experience=years), "experience") == expected


@pytest.mark.parametrize(
    ("years", "expected"), [(0, 0), (2, 0), (3, 10), (4, 10), (5, 15), (6, 15), (7, 20), (9, 20), (10, 25), (35, 25)]
)
def test_experience_bands_for_management(years: int, expected: int) -> None:
    assert item(points(category="c", years_experience=years), "experience") == expected


@pytest.mark.parametrize(
    ("category", "years", "rule"),
    [
        ("a", 7, "points.rule.experience_research"),
        ("b", 7, "points.rule.experience"),
        ("c", 7, "points.rule.experience_management"),
        ("a", 2, "points.rule.experience_none"),
        ("c", 2, "points.rule.experience_none"),
    ],
)
def test_experience_rule_names_what_counts(category: str, years: int, rule: str) -> None:
    (line,) = [x for x in calculate(points(category=category, years_experience=years)).lines if x.item == "experience"]
    assert line.rule == rule and line.params["years"] == years


@pytest.mark.parametrize(
    ("category", "kinds", "expected"),
    [
        ("a", 1, 20),
        ("a", 2, 25),  # two or more kinds: 25 in (i)(a)
        ("a", 3, 25),
        ("a", 4, 25),
        ("b", 1, 15),
        ("b", 2, 15),  # (i)(b): 15 however many kinds
        ("b", 4, 15),
    ],
)
def test_research_achievements(category: str, kinds: int, expected: int) -> None:
    assert item(points(category=category, research_achievements=kinds), "research") == expected


@pytest.mark.parametrize(("category", "kinds"), [("a", 0), ("b", 0), ("c", 0), ("c", 4)])
def test_research_line_only_when_it_counts(category: str, kinds: int) -> None:
    """No research line without achievements, and (i)(c) has no research item at all."""
    result = calculate(points(category=category, research_achievements=kinds, annual_salary_jpy=10_000_000))
    assert "research" not in {line.item for line in result.lines}


@pytest.mark.parametrize(
    ("category", "count", "expected"),
    [("b", 0, 0), ("b", 1, 5), ("b", 2, 10), ("b", 20, 10), ("a", 2, 0), ("c", 2, 0)],
)
def test_national_qualifications_are_a_b_item(category: str, count: int, expected: int) -> None:
    assert item(points(category=category, national_qualifications=count), "qualifications") == expected


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
    assert item(points(category="a", position="representative_director", investment_100m=True), "position") == 0
    assert item(points(category="a", investment_100m=True), "investment_100m") == 0


@pytest.mark.parametrize("category", ["a", "b", "c"])
def test_sme_bonus_only_with_innovation_support(category: str) -> None:
    base = {"category": category, "annual_salary_jpy": 10_000_000}
    assert item(points(**base, innovation_sme=True), "innovation_sme") == 0
    assert item(points(**base, innovation_support=True, innovation_sme=True), "innovation_sme") == 10


@pytest.mark.parametrize("category", ["a", "b", "c"])
def test_contracting_organisation_bonuses_add_up(category: str) -> None:
    """Verified combination: innovation support 10 + SME 10 + growth field 10 + local-government support 10
    + R&D over 3% SME 5 = 45, none of them uncertain any more."""
    result = calculate(
        points(
            category=category,
            annual_salary_jpy=10_000_000,
            innovation_support=True,
            innovation_sme=True,
            growth_field=True,
            local_government_support=True,
            rnd_intensive_sme=True,
        )
    )
    names = ("innovation_support", "innovation_sme", "growth_field", "local_government_support", "rnd_intensive_sme")
    bonus = [line for line in result.lines if line.item in names]
    assert sum(line.points for line in bonus) == 45 and len(bonus) == 5
    assert not any(line.uncertain for line in bonus)


@pytest.mark.parametrize(
    ("flag", "category", "expected"),
    [
        ("foreign_qualification", "a", 5),
        ("foreign_qualification", "b", 5),
        ("foreign_qualification", "c", 5),
        ("investment_management", "a", 0),  # from July 2021, (i)(b) and (i)(c) only
        ("investment_management", "b", 10),
        ("investment_management", "c", 10),
        ("jica_training", "a", 5),
        ("jica_training", "b", 5),
        ("jica_training", "c", 5),
        ("top_university", "a", 10),
        ("top_university", "c", 10),
    ],
)
def test_bonus_flags_by_category(flag: str, category: str, expected: int) -> None:
    assert item(points(category=category, annual_salary_jpy=10_000_000, **{flag: True}), flag) == expected


def test_only_jica_training_stays_uncertain() -> None:
    lines = calculate(points(category="a", jica_training=True, foreign_qualification=True)).lines
    assert {line.item for line in lines if line.uncertain} == {"jica_training"}


@pytest.mark.parametrize("category", ["a", "b", "c"])
def test_every_item_of_the_table_is_counted_now(category: str) -> None:
    assert calculate(points(category=category)).not_counted == []


def test_lines_cite_the_sources_of_their_own_category() -> None:
    """Education differs by category, so each category's line cites its own sources."""
    a = next(x for x in calculate(points(category="a", education="master")).lines if x.item == "education")
    c = next(x for x in calculate(points(category="c", education="master")).lines if x.item == "education")
    assert a.sources and c.sources and set(a.sources) != set(c.sources)
    assert any("visa.researcher.ts" in url for url in a.sources)
    assert any("visa.businessmanager.ts" in url for url in c.sources)


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
    """(i)(c): master's 20; 12 years of management → band 10+ = 25; ¥26M → band ¥25–30M = 40;
    representative director 10; investment ¥100M+ 5; N1 15. No age points in (c).
    20+25+40+10+5+15 = 115 → eligible, PR after 1 year."""
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
    assert result.total == 115
    assert result.eligible and result.pr_fast_track_years == 1


def test_worked_example_manager_five_short() -> None:
    """(i)(c): MBA 25; 6 years of management → band 5–6 = 15; ¥15M → band ¥15–20M = 20; director 5;
    age 55 gives nothing in (c). 25+15+20+5 = 65 → 5 short, not eligible."""
    result = calculate(
        points(
            category="c",
            education="mba_mot",
            years_experience=6,
            annual_salary_jpy=15_000_000,
            age=55,
            position="director",
        )
    )
    assert result.total == 65
    assert not result.eligible and result.pr_fast_track_years is None


def test_worked_example_manager_with_doctorate_at_80() -> None:
    """(i)(c): doctorate 20 (not 30 as in (a)/(b)); degrees in two fields 5; 10 years → 25; ¥10M → band
    ¥10–15M = 10; director 5; N2 without a Japanese degree 10; foreign qualification 5.
    20+5+25+10+5+10+5 = 80 → PR after 1 year."""
    result = calculate(
        points(
            category="c",
            education="doctorate",
            multiple_degrees=True,
            years_experience=10,
            annual_salary_jpy=10_000_000,
            age=48,
            position="director",
            japanese="N2",
            foreign_qualification=True,
        )
    )
    assert result.total == 80
    assert result.eligible and result.pr_fast_track_years == 1


def test_worked_example_fund_manager_at_70() -> None:
    """(i)(c): bachelor 10; 7 years → band 7–9 = 20; ¥20M → band ¥20–25M = 30; investment management 10.
    10+20+30+10 = 70 → eligible, PR after 3 years."""
    result = calculate(
        points(
            category="c",
            education="bachelor",
            years_experience=7,
            annual_salary_jpy=20_000_000,
            age=42,
            investment_management=True,
        )
    )
    assert result.total == 70
    assert result.eligible and result.pr_fast_track_years == 3


def test_worked_example_manager_below_the_floor() -> None:
    """(i)(c): MBA 25; 10 years 25; ¥2.9M → no salary band; representative director 10; N1 15;
    Japanese degree 10. 25+25+0+10+15+10 = 85, but ¥2.9M is under the ¥3M floor → not eligible."""
    result = calculate(
        points(
            category="c",
            education="mba_mot",
            years_experience=10,
            annual_salary_jpy=2_900_000,
            age=40,
            position="representative_director",
            japanese="N1",
            japanese_university_degree=True,
        )
    )
    assert result.total == 85
    assert result.below_floor and not result.eligible and result.pr_fast_track_years is None


def test_worked_example_young_researcher_85() -> None:
    """(i)(a): doctorate 30; 3 years of research → band 3–4 = 5; ¥5.2M at 29 → band ¥5–6M (under 35) = 15;
    age 29 → 15; one kind of research achievement (3 papers as corresponding author) = 20.
    30+5+15+15+20 = 85 → eligible, PR after 1 year."""
    result = calculate(
        points(
            category="a",
            education="doctorate",
            years_experience=3,
            annual_salary_jpy=5_200_000,
            age=29,
            research_achievements=1,
        )
    )
    assert result.total == 85
    assert result.eligible and result.pr_fast_track_years == 1


def test_worked_example_professor_at_70() -> None:
    """(i)(a): master's 20; 8 years → band 7+ = 15; ¥7.5M at 41 → band ¥7–8M needs under 40 = 0;
    age 41 = 0; two kinds of research achievement = 25; Japanese degree 10.
    20+15+0+0+25+10 = 70 → eligible, PR after 3 years."""
    result = calculate(
        points(
            category="a",
            education="master",
            years_experience=8,
            annual_salary_jpy=7_500_000,
            age=41,
            research_achievements=2,
            japanese_university_degree=True,
        )
    )
    assert result.total == 70
    assert result.eligible and result.pr_fast_track_years == 3


def test_worked_example_researcher_without_salary_floor() -> None:
    """(i)(a): bachelor 10; 2 years → 0; ¥2.5M → under the lowest band = 0; age 26 → 15; N2 10;
    one research kind 20; innovation support 10 + SME 10. 10+0+0+15+10+20+10+10 = 75. (i)(a) has no
    ¥3M floor, so this is eligible (PR after 3 years)."""
    result = calculate(
        points(
            category="a",
            education="bachelor",
            years_experience=2,
            annual_salary_jpy=2_500_000,
            age=26,
            japanese="N2",
            research_achievements=1,
            innovation_support=True,
            innovation_sme=True,
        )
    )
    assert result.total == 75
    assert not result.below_floor and result.eligible and result.pr_fast_track_years == 3


def test_worked_example_researcher_with_mba_just_short() -> None:
    """(i)(a): MBA/MOT counts as a professional degree = 20; degrees in two fields 5; 5 years → 10;
    ¥6M at 36 → band ¥6–7M (under 40) = 20; age 36 → 5; no research. 20+5+10+20+5 = 60 → 10 short."""
    result = calculate(
        points(
            category="a",
            education="mba_mot",
            multiple_degrees=True,
            years_experience=5,
            annual_salary_jpy=6_000_000,
            age=36,
        )
    )
    assert result.total == 60
    assert not result.eligible and result.pr_fast_track_years is None


def test_same_profile_scores_differently_per_category() -> None:
    """Doctorate, 10 years, ¥10M, age 45: (a) 30+15+40+0 = 85; (b) 30+20+40+0 = 90; (c) 20+25+10 = 55."""
    totals = {
        category: calculate(
            points(category=category, education="doctorate", years_experience=10, annual_salary_jpy=10_000_000)
        ).total
        for category in ("a", "b", "c")
    }
    assert totals == {"a": 85, "b": 90, "c": 55}


def test_eighty_points_gives_the_one_year_track() -> None:
    """(i)(b): doctorate 30 + 10 years 20 + ¥8M 30 = 80 (age 45: no age points) → PR after 1 year.
    At 39 with ¥7M: 30 + 20 + 25 (under 40) + 5 (age 35–39) = 80 as well."""
    at_80 = calculate(points(education="doctorate", years_experience=10, annual_salary_jpy=8_000_000))
    assert at_80.total == 80 and at_80.pr_fast_track_years == 1
    at_39 = calculate(points(education="doctorate", years_experience=10, annual_salary_jpy=7_000_000, age=39))
    assert at_39.total == 30 + 20 + 25 + 5 and at_39.pr_fast_track_years == 1
