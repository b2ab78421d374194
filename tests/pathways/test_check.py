"""The pathway self-check: each status's rules from pathways.yml, one behaviour per test."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from api.pathways.check import StatusResult, check
from api.pathways.schemas import ProfileRequest

BEFORE_ESD = date(2026, 11, 24)
AFTER_ESD = date(2027, 4, 1)


def profile(**overrides: Any) -> ProfileRequest:
    base: dict[str, Any] = {
        "age": 27,
        "education_level": "bachelor",
        "education_country": "VN",
        "education_field": "it",
        "experience_years": 2,
        "experience_field": "it",
        "graduated_in_japan": False,
    }
    return ProfileRequest(**{**base, **overrides})


def status(name: str, today: date = BEFORE_ESD, **overrides: Any) -> StatusResult:
    return next(r for r in check(profile(**overrides), today) if r.status == name)


def keys(messages: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [key for key, _ in messages]


# Engineer/Specialist in Humanities/International Services


def test_eh_related_degree_and_offer_fits() -> None:
    assert status("engineer_humanities", job_offer_field="it", job_offer_salary_jpy=4_000_000).outcome == "fits"


def test_eh_without_offer_nearly_fits_and_says_so() -> None:
    result = status("engineer_humanities")
    assert result.outcome == "nearly"
    assert keys(result.missing) == ["pathways.missing.job_offer"]


def test_eh_foreign_associate_degree_counts() -> None:
    assert status("engineer_humanities", education_level="associate", job_offer_field="it").outcome == "fits"


def test_eh_foreign_vocational_diploma_does_not_count() -> None:
    result = status("engineer_humanities", education_level="vocational", job_offer_field="it")
    assert result.outcome == "no"
    assert "pathways.reason.eh_foreign_vocational" in keys(result.reasons)


def test_eh_japanese_senmonshi_counts_only_in_the_same_field() -> None:
    same = status("engineer_humanities", education_level="senmonshi", education_country="JP", job_offer_field="it")
    other = status(
        "engineer_humanities", education_level="senmonshi", education_country="JP", job_offer_field="engineering"
    )
    assert same.outcome == "fits"
    assert other.outcome == "no"


def test_eh_ten_years_experience_replaces_the_degree() -> None:
    base = {"education_level": "upper_secondary", "job_offer_field": "it", "age": 35}
    assert status("engineer_humanities", experience_years=10, **base).outcome == "fits"
    assert status("engineer_humanities", experience_years=9, **base).outcome == "no"


def test_eh_it_exam_replaces_the_degree_for_it_work_and_is_marked_uncertain() -> None:
    result = status(
        "engineer_humanities", education_level="upper_secondary", qualifications=["ipa_fe"], job_offer_field="it"
    )
    assert result.outcome == "fits" and result.uncertain


def test_eh_degree_in_an_unrelated_field_nearly_fits() -> None:
    result = status("engineer_humanities", education_field="business_law_economics", job_offer_field="it")
    assert result.outcome == "nearly"
    assert keys(result.missing) == ["pathways.missing.eh_relevance"]


def test_eh_international_services_needs_three_years() -> None:
    base = {"education_level": "upper_secondary", "education_field": "other", "job_offer_field": "design_trade"}
    assert status("engineer_humanities", experience_years=3, experience_field="design_trade", **base).outcome == "fits"
    assert status("engineer_humanities", experience_years=2, experience_field="design_trade", **base).outcome == "no"


def test_eh_graduate_translator_needs_no_experience() -> None:
    result = status(
        "engineer_humanities", education_field="other", experience_years=0, job_offer_field="languages_translation"
    )
    assert result.outcome == "fits"


def test_eh_manual_work_is_not_covered() -> None:
    result = status("engineer_humanities", job_offer_field="construction")
    assert result.outcome == "no"
    assert keys(result.reasons) == ["pathways.reason.eh_job_not_covered"]


# Specified Skilled Worker (i) and (ii)

SSW_READY = {"ssw_skills_tests": ["agriculture"], "jft_basic": True, "education_level": "upper_secondary"}


def test_ssw1_tests_japanese_and_offer_fit() -> None:
    assert status("ssw1", job_offer_field="agriculture", **SSW_READY).outcome == "fits"


def test_ssw1_without_offer_nearly_fits() -> None:
    result = status("ssw1", **SSW_READY)
    assert result.outcome == "nearly" and keys(result.missing) == ["pathways.missing.job_offer_in"]


@pytest.mark.parametrize(("jlpt", "ok"), [("N4", True), ("N3", True), ("N5", False), (None, False)])
def test_ssw1_japanese_is_jlpt_n4_or_jft_basic(jlpt: str | None, ok: bool) -> None:
    result = status("ssw1", job_offer_field="agriculture", ssw_skills_tests=["agriculture"], jlpt=jlpt)
    assert (result.outcome == "fits") is ok


@pytest.mark.parametrize("field", ["automobile_transportation", "railway"])
@pytest.mark.parametrize(
    ("japanese", "warned"), [({"jft_basic": True}, True), ({"jlpt": "N4"}, True), ({"jlpt": "N3"}, False)]
)
def test_ssw1_drivers_and_railway_staff_need_n3(field: str, japanese: dict[str, Any], warned: bool) -> None:
    """Bus and taxi drivers and railway transport staff need JLPT N3, not JFT-Basic or N4 (checked 2026-12-04)."""
    result = status("ssw1", job_offer_field=field, ssw_skills_tests=[field], **japanese)
    assert ("pathways.reason.ssw1_japanese_some_jobs" in keys(result.reasons)) is warned
    if warned:
        params = dict(result.reasons)["pathways.reason.ssw1_japanese_some_jobs"]
        assert params == {"level": "N3", "field": field}


def test_ssw1_other_fields_keep_jft_basic_or_n4() -> None:
    result = status("ssw1", job_offer_field="agriculture", **SSW_READY)
    assert "pathways.reason.ssw1_japanese_some_jobs" not in keys(result.reasons)


def test_ssw1_nursing_care_also_needs_the_care_japanese_test() -> None:
    base = {"job_offer_field": "nursing_care", "ssw_skills_tests": ["nursing_care"], "jft_basic": True}
    assert status("ssw1", **base).outcome == "nearly"
    assert status("ssw1", nursing_care_japanese_test=True, **base).outcome == "fits"


def test_ssw1_titp_completers_skip_the_tests_in_the_same_field() -> None:
    result = status("ssw1", titp_completed_field="construction", job_offer_field="construction")
    assert result.outcome == "fits"


def test_ssw1_missing_skills_test_and_japanese_does_not_fit() -> None:
    assert status("ssw1", job_offer_field="agriculture").outcome == "no"


def test_ssw1_planned_fields_are_uncertain() -> None:
    result = status("ssw1", job_offer_field="linen_supply", ssw_skills_tests=["linen_supply"], jft_basic=True)
    assert result.outcome == "nearly" and result.uncertain


def test_ssw2_needs_its_test() -> None:
    assert status("ssw2", job_offer_field="construction", ssw2_skills_tests=["construction"]).outcome == "fits"
    assert status("ssw2", job_offer_field="construction").outcome == "nearly"


@pytest.mark.parametrize(("jlpt", "outcome"), [("N3", "fits"), ("N4", "nearly")])
def test_ssw2_food_service_needs_n3(jlpt: str, outcome: str) -> None:
    assert (
        status("ssw2", job_offer_field="food_service", ssw2_skills_tests=["food_service"], jlpt=jlpt).outcome == outcome
    )


def test_ssw2_has_no_nursing_care_and_no_2024_fields() -> None:
    assert status("ssw2", job_offer_field="nursing_care").outcome == "no"
    railway = status("ssw2", job_offer_field="railway", ssw2_skills_tests=["railway"])
    assert railway.outcome == "no" and railway.uncertain


# Employment for Skill Development


def test_esd_before_its_start_date_only_nearly_fits() -> None:
    result = status("esd", job_offer_field="agriculture", jlpt="N5")
    assert result.outcome == "nearly"
    assert keys(result.missing) == ["pathways.missing.esd_not_started"]


def test_esd_from_its_start_date_fits() -> None:
    assert status("esd", today=AFTER_ESD, job_offer_field="agriculture", jlpt="N5").outcome == "fits"


def test_esd_excludes_aviation_and_automobile_transportation() -> None:
    for job in ("aviation", "automobile_transportation"):
        assert status("esd", today=AFTER_ESD, job_offer_field=job, jlpt="N5").outcome == "no"


def test_esd_needs_japanese_a1() -> None:
    result = status("esd", today=AFTER_ESD, job_offer_field="agriculture")
    assert keys(result.missing) == ["pathways.missing.esd_japanese"]


# Student


def test_student_needs_admission_and_funds() -> None:
    assert status("student").outcome == "nearly"
    assert status("student", school_admission=True, sufficient_funds=True).outcome == "fits"


# Highly Skilled Professional


def test_hsp_fits_at_70_with_offer() -> None:
    """bachelor 10 + 3 years 5 + ¥5.5M at 28 15 + age 15 + N1 15 + Japanese degree 10 = 70."""
    result = status(
        "hsp",
        age=28,
        experience_years=3,
        jlpt="N1",
        graduated_in_japan=True,
        job_offer_field="it",
        job_offer_salary_jpy=5_500_000,
    )
    assert result.points is not None and result.points.total == 70
    assert result.outcome == "fits"


def test_hsp_nearly_within_ten_points() -> None:
    """bachelor 10 + 3 years 5 + ¥5.5M 15 + age 15 + N1 15 = 60: 10 short → nearly."""
    result = status("hsp", age=28, experience_years=3, jlpt="N1", job_offer_field="it", job_offer_salary_jpy=5_500_000)
    assert result.outcome == "nearly" and keys(result.missing) == ["pathways.missing.hsp_points"]


def test_hsp_below_the_floor_does_not_fit() -> None:
    result = status("hsp", education_level="doctorate", jlpt="N1", job_offer_field="it", job_offer_salary_jpy=2_000_000)
    assert result.outcome == "no" and "pathways.reason.hsp_floor" in keys(result.reasons)


def test_hsp_without_salary_depends_on_what_a_salary_could_add() -> None:
    """doctorate 30 + age 15 + N1 15 = 60; a ¥10M salary could add 40 → nearly. No degree, age 45: 0 → no."""
    assert status("hsp", education_level="doctorate", jlpt="N1").outcome == "nearly"
    assert status("hsp", education_level="upper_secondary", age=45).outcome == "no"


def test_hsp_senmonshi_is_not_a_degree_but_kosen_is() -> None:
    senmonshi = status("hsp", education_level="senmonshi", education_country="JP", experience_field=None)
    kosen = status("hsp", education_level="kosen", education_country="JP", experience_field=None)
    assert senmonshi.points is not None and kosen.points is not None
    assert kosen.points.total - senmonshi.points.total == 10


def _line(result: StatusResult, item: str) -> int | None:
    assert result.points is not None
    return next((line.points for line in result.points.lines if line.item == item), None)


@pytest.mark.parametrize(
    ("level", "country"),
    [("senmonshi", "JP"), ("koudo_senmonshi", "JP"), ("kosen", "JP"), ("upper_secondary", "VN"), ("vocational", "VN")],
)
def test_hsp_japanese_university_bonus_needs_a_university_degree(level: str, country: str) -> None:
    """専門士, 高度専門士, KOSEN and a language school after a foreign diploma are graduations in Japan,
    not degrees from a Japanese university: no +10, and their N2 keeps its 10 points (checked 2026-12-04)."""
    result = status(
        "hsp",
        education_level=level,
        education_country=country,
        graduated_in_japan=True,
        jlpt="N2",
        experience_field=None,
    )
    assert _line(result, "japanese_university") is None
    assert _line(result, "japanese") == 10
    assert "pathways.reason.hsp_not_japanese_university" in keys(result.reasons)


@pytest.mark.parametrize("level", ["bachelor", "master", "doctorate"])
def test_hsp_japanese_university_degree_gets_the_bonus_and_replaces_n2(level: str) -> None:
    result = status("hsp", education_level=level, education_country="JP", graduated_in_japan=True, jlpt="N2")
    assert _line(result, "japanese_university") == 10 and _line(result, "japanese") == 0
    assert result.uncertain is False and "pathways.reason.hsp_not_japanese_university" not in keys(result.reasons)


def test_hsp_junior_college_bonus_is_marked_uncertain() -> None:
    result = status("hsp", education_level="associate", education_country="JP", graduated_in_japan=True)
    assert _line(result, "japanese_university") == 10 and result.uncertain is True


def test_hsp_management_offer_counts_management_experience() -> None:
    """A management offer is scored as (i)(c): master's 20 + 10 years of management 25 + ¥20M 30 = 75."""
    result = status(
        "hsp",
        age=45,
        education_level="master",
        experience_field="management",
        experience_years=3,
        management_experience_years=10,
        job_offer_field="management",
        job_offer_salary_jpy=20_000_000,
    )
    assert result.points is not None and result.points.category == "c" and result.points.total == 75
    assert result.outcome == "fits"


def test_hsp_research_offer_counts_degree_and_research_experience() -> None:
    """A research offer is scored as (i)(a): doctorate 30 + 7 years 15 + ¥6M at 33 20 + age 10 = 75."""
    result = status(
        "hsp",
        age=33,
        education_level="doctorate",
        experience_field="research",
        experience_years=7,
        job_offer_field="research",
        job_offer_salary_jpy=6_000_000,
    )
    assert result.points is not None and result.points.category == "a" and result.points.total == 75
    assert result.outcome == "fits"


# J-Find and J-Skip


def test_j_find_needs_top_university_recent_graduation_and_savings() -> None:
    assert status("j_find").outcome == "no"
    ready = {"top100_university": True, "years_since_graduation": 5}
    assert status("j_find", savings_jpy=200_000, **ready).outcome == "fits"
    assert status("j_find", savings_jpy=199_999, **ready).outcome == "nearly"
    assert status("j_find", top100_university=True, years_since_graduation=6, savings_jpy=500_000).outcome == "no"


def test_j_skip_professional() -> None:
    base = {"education_level": "master", "job_offer_field": "it"}
    assert status("j_skip", job_offer_salary_jpy=20_000_000, **base).outcome == "fits"
    assert status("j_skip", job_offer_salary_jpy=19_999_999, **base).outcome == "no"
    assert status("j_skip", education_level="master").outcome == "nearly"
    assert status("j_skip", job_offer_field="it", job_offer_salary_jpy=30_000_000).outcome == "no"  # bachelor, 2 years


def test_j_skip_ten_years_instead_of_a_master() -> None:
    result = status("j_skip", age=40, experience_years=10, job_offer_field="it", job_offer_salary_jpy=20_000_000)
    assert result.outcome == "fits"


def test_j_skip_management() -> None:
    base = {"age": 45, "job_offer_field": "management"}
    assert status("j_skip", management_experience_years=5, job_offer_salary_jpy=40_000_000, **base).outcome == "fits"
    assert status("j_skip", management_experience_years=4, job_offer_salary_jpy=40_000_000, **base).outcome == "no"
    assert status("j_skip", management_experience_years=5, job_offer_salary_jpy=39_999_999, **base).outcome == "no"


# Nursing Care and Designated Activities No. 46


def test_nursing_care_needs_the_national_qualification() -> None:
    assert status("nursing_care", job_offer_field="nursing_care").outcome == "no"
    qualified = {"qualifications": ["kaigo_fukushishi"]}
    assert status("nursing_care", job_offer_field="nursing_care", **qualified).outcome == "fits"
    assert status("nursing_care", **qualified).outcome == "nearly"


def test_designated_46_needs_japanese_degree_and_n1_or_bjt_480() -> None:
    japan = {"graduated_in_japan": True, "education_country": "JP", "job_offer_field": "food_service"}
    assert status("designated_46", jlpt="N1", **japan).outcome == "fits"
    assert status("designated_46", bjt_score=480, **japan).outcome == "fits"
    assert status("designated_46", bjt_score=479, jlpt="N2", **japan).outcome == "nearly"
    assert status("designated_46", jlpt="N1", job_offer_field="food_service").outcome == "no"


def test_designated_46_excludes_junior_college_only() -> None:
    result = status("designated_46", education_level="associate", graduated_in_japan=True, jlpt="N1")
    assert result.outcome == "no"


def test_designated_46_advanced_diploma_is_confirmed_by_notice_51() -> None:
    """MOJ Notice No. 51 (29 Feb 2024): a 高度専門士 from a MEXT-certified course counts; no ⚠ any more,
    and the title is Japanese by itself (no university-degree flag needed)."""
    result = status(
        "designated_46", education_level="koudo_senmonshi", education_country="JP", jlpt="N1", job_offer_field="it"
    )
    assert result.outcome == "fits" and result.uncertain is False
    assert "pathways.reason.d46_certified_course" in keys(result.reasons)
    senmonshi = status("designated_46", education_level="senmonshi", education_country="JP", jlpt="N1")
    assert senmonshi.outcome == "no"


def test_every_status_is_checked_once_with_topics_and_sources() -> None:
    results = check(profile(), BEFORE_ESD)
    assert [r.status for r in results] == [
        "engineer_humanities",
        "ssw1",
        "ssw2",
        "esd",
        "student",
        "hsp",
        "j_find",
        "j_skip",
        "nursing_care",
        "designated_46",
    ]
    assert all(r.topics and r.sources for r in results)
