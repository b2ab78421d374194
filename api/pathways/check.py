"""The pathway self-check: which statuses of residence fit a profile, nearly fit, or do not.

Thresholds, lists and dates come from knowledge_base/data/pathways.yml (and the HSP table); this
module holds only the logic of each status. Every reason and missing item is a catalog key with
parameters, rendered in the person's language by api/pathways/present.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from api.pathways.data import as_of, hsp_table, pathway_rules
from api.pathways.points import PointsResult, calculate
from api.pathways.schemas import PointsRequest, ProfileRequest

Outcome = Literal["fits", "nearly", "no"]
Message = tuple[str, dict[str, Any]]


@dataclass
class StatusResult:
    status: str
    outcome: Outcome
    reasons: list[Message] = field(default_factory=list)
    missing: list[Message] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    uncertain: bool = False
    points: PointsResult | None = None


def _jlpt_at_least(profile: ProfileRequest, level: str) -> bool:
    # N1 is the hardest: "at least N4" means N1–N4.
    return profile.jlpt is not None and int(profile.jlpt[1]) <= int(level[1])


def _fields() -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any]] = pathway_rules()["fields"]
    return fields


def _outcome(missing: list[Message], *, job: bool, blockers: int = 1) -> Outcome:
    """All met → fits; up to `blockers` things missing → nearly; more → no. A missing job offer is one."""
    count = len(missing)
    if count == 0 and job:
        return "fits"
    return "nearly" if count <= blockers else "no"


def engineer_humanities(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    fields = _fields()
    result = StatusResult("engineer_humanities", "no")
    target = p.job_offer_field or p.education_field
    kind = fields[target]["gijinkoku"]
    if kind is None:
        key = "pathways.reason.eh_job_not_covered" if p.job_offer_field else "pathways.reason.eh_no_related_field"
        result.reasons.append((key, {"field": target}))
        return result
    related_by_study = p.education_field == target or fields[p.education_field]["gijinkoku"] == kind
    related_by_work = p.experience_field == target
    level = p.education_level
    routes: list[Message] = []
    doubts: list[Message] = []
    if kind == "international":
        graduate = level in rule["degree_levels"]
        if graduate and fields[target].get("international_no_experience_for_graduates"):
            routes.append(("pathways.reason.eh_graduate_language_work", {"field": target}))
        if p.experience_years >= rule["international_experience_years"] and related_by_work:
            routes.append(("pathways.reason.eh_international_experience", {"years": p.experience_years}))
    else:
        if level in rule["degree_levels"] or level in rule["equivalent_levels_uncertain"]:
            if level in rule["equivalent_levels_uncertain"]:
                result.uncertain = True
            if related_by_study:
                routes.append(("pathways.reason.eh_degree_related", {"field": p.education_field}))
            else:
                # For degree holders the link between major and job is judged flexibly (FACTS §1.3).
                doubts.append(("pathways.missing.eh_relevance", {"field": p.education_field, "job": target}))
        elif level in rule["japan_vocational_levels"] and p.education_country == "JP":
            if p.education_field == target:
                routes.append(("pathways.reason.eh_senmonshi_related", {"field": target}))
            else:
                result.reasons.append(("pathways.reason.eh_senmonshi_unrelated", {"field": p.education_field}))
        elif p.education_country != "JP" and level in ("vocational", *rule["japan_vocational_levels"]):
            result.reasons.append(("pathways.reason.eh_foreign_vocational", {}))
        else:
            result.reasons.append(("pathways.reason.eh_education_level", {}))
        if p.experience_years >= rule["experience_years"] and related_by_work:
            routes.append(("pathways.reason.eh_experience", {"years": p.experience_years}))
        if target == "it" and set(p.qualifications) & set(rule["it_qualifications"]):
            result.uncertain = True
            routes.append(("pathways.reason.eh_it_exam", {}))
    missing: list[Message] = []
    if not routes:
        if doubts:
            missing.extend(doubts)
        elif kind == "international":
            missing.append(
                ("pathways.missing.eh_international_experience", {"years": rule["international_experience_years"]})
            )
        else:
            missing.append(("pathways.missing.eh_degree_or_experience", {"years": rule["experience_years"]}))
    if p.job_offer_field is None:
        missing.append(("pathways.missing.job_offer", {}))
    result.reasons.extend(routes)
    result.missing = missing
    result.outcome = "no" if not routes and not doubts else _outcome(missing, job=p.job_offer_field is not None)
    result.reasons.append(("pathways.reason.eh_salary_parity", {}))
    return result


def _ssw_field(p: ProfileRequest, tests: list[str]) -> str | None:
    return p.job_offer_field or (tests[0] if tests else None) or p.titp_completed_field


def ssw1(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("ssw1", "no")
    target = _ssw_field(p, p.ssw_skills_tests)
    if target is None:
        result.missing.append(("pathways.missing.ssw_field", {}))
        result.reasons.append(("pathways.reason.ssw1_needs", {}))
        return result
    programme = _fields()[target].get("ssw1", False)
    if not programme:
        result.reasons.append(("pathways.reason.ssw_field_not_in_programme", {"field": target}))
        return result
    missing: list[Message] = []
    if programme == "planned":
        result.uncertain = True
        missing.append(("pathways.missing.ssw_field_planned", {"field": target}))
    titp_same_field = p.titp_completed_field == target
    if target in p.ssw_skills_tests or titp_same_field:
        result.reasons.append(("pathways.reason.ssw_skills_test", {"field": target}))
        if titp_same_field:
            result.reasons.append(("pathways.reason.ssw_titp_exempt", {"field": target}))
    else:
        missing.append(("pathways.missing.ssw_skills_test", {"field": target}))
    japanese_ok = p.jft_basic or _jlpt_at_least(p, "N4") or p.titp_completed_field is not None
    if japanese_ok:
        result.reasons.append(("pathways.reason.ssw1_japanese", {}))
    else:
        missing.append(("pathways.missing.ssw1_japanese", {}))
    # Some jobs of a field need more than the field's usual level (bus and taxi drivers, railway staff).
    higher = _fields()[target].get("ssw1_jlpt_some_jobs")
    if higher and not _jlpt_at_least(p, higher):
        result.reasons.append(("pathways.reason.ssw1_japanese_some_jobs", {"level": higher, "field": target}))
    if target == "nursing_care" and not p.nursing_care_japanese_test:
        missing.append(("pathways.missing.nursing_care_japanese_test", {}))
    if p.job_offer_field is None:
        missing.append(("pathways.missing.job_offer_in", {"field": target}))
    result.missing = missing
    result.outcome = _outcome(missing, job=p.job_offer_field is not None)
    result.reasons.append(("pathways.reason.ssw1_cap", {"years": rule["max_years"]}))
    return result


def ssw2(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("ssw2", "no")
    target = _ssw_field(p, p.ssw2_skills_tests)
    if target is None:
        result.reasons.append(("pathways.reason.ssw2_needs", {}))
        return result
    info = _fields()[target]
    if target == "nursing_care":
        result.reasons.append(("pathways.reason.ssw2_nursing_care", {}))
        return result
    if not info.get("ssw1", False):
        result.reasons.append(("pathways.reason.ssw_field_not_in_programme", {"field": target}))
        return result
    if not info.get("ssw2", False):
        result.uncertain = bool(info.get("ssw2_uncertain", False))
        result.reasons.append(("pathways.reason.ssw2_field_not_in_programme", {"field": target}))
        return result
    missing: list[Message] = []
    if target in p.ssw2_skills_tests:
        result.reasons.append(("pathways.reason.ssw2_skills_test", {"field": target}))
    else:
        missing.append(("pathways.missing.ssw2_skills_test", {"field": target}))
    required = info.get("ssw2_jlpt")
    if required and not _jlpt_at_least(p, required):
        missing.append(("pathways.missing.ssw2_japanese", {"level": required, "field": target}))
    if p.job_offer_field is None:
        missing.append(("pathways.missing.job_offer_in", {"field": target}))
    result.missing = missing
    result.outcome = _outcome(missing, job=p.job_offer_field is not None)
    return result


def esd(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("esd", "no")
    starts = rule["starts"]
    missing: list[Message] = []
    if today < starts:
        missing.append(("pathways.missing.esd_not_started", {"date": starts}))
    if p.job_offer_field is not None:
        programme = _fields()[p.job_offer_field].get("esd", False)
        if not programme:
            result.reasons.append(("pathways.reason.esd_field_not_in_programme", {"field": p.job_offer_field}))
            return result
        if programme == "planned":
            result.uncertain = True
    else:
        missing.append(("pathways.missing.job_offer", {}))
    if p.jft_basic or _jlpt_at_least(p, "N5"):
        result.reasons.append(("pathways.reason.esd_japanese", {}))
    else:
        missing.append(("pathways.missing.esd_japanese", {}))
    result.reasons.append(("pathways.reason.esd_about", {}))
    result.missing = missing
    # Before the start date it can at best "nearly" fit, however many items are still open.
    result.outcome = _outcome(missing, job=p.job_offer_field is not None, blockers=3)
    return result


def student(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("student", "no")
    if not p.school_admission:
        result.missing.append(("pathways.missing.student_admission", {}))
    if not p.sufficient_funds:
        result.missing.append(("pathways.missing.student_funds", {}))
    result.reasons.append(("pathways.reason.student_about", {}))
    result.outcome = "nearly" if result.missing else "fits"
    return result


def _hsp_education(p: ProfileRequest) -> str:
    level = pathway_rules()["education_levels"][p.education_level]
    if level.get("hsp_japan_only") and p.education_country != "JP":
        return "none"
    return str(level["hsp"])


def _hsp_japanese(p: ProfileRequest) -> Literal["N1", "N2"] | None:
    if p.jlpt == "N1" or (p.bjt_score or 0) >= 480:
        return "N1"
    if p.jlpt == "N2" or (p.bjt_score or 0) >= 400:
        return "N2"
    return None


def _japanese_university_degree(p: ProfileRequest, rule: dict[str, Any]) -> bool:
    """The +10 bonus needs a degree from a Japanese university or graduate school: a Japanese
    graduation at a level below a degree (専門士, 高度専門士, KOSEN, language school) does not count."""
    return p.graduated_in_japan and p.education_level in rule["japanese_university_levels"]


def hsp(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("hsp", "no")
    japanese_degree = _japanese_university_degree(p, rule)
    if japanese_degree and p.education_level in rule["japanese_university_levels_uncertain"]:
        result.uncertain = True
    elif p.graduated_in_japan and not japanese_degree:
        result.reasons.append(("pathways.reason.hsp_not_japanese_university", {}))
    offer = p.job_offer_field
    category: Literal["a", "b", "c"] = "b"
    if offer is not None and _fields()[offer].get("management"):
        category = "c"
    elif offer is not None and _fields()[offer].get("research"):
        category = "a"
    # Only experience related to the intended work counts (FACTS §1.6); for (i)(c) that is business
    # management experience, which the profile also gives on its own.
    related = p.experience_field is None or p.experience_field == offer
    years = p.experience_years if related else 0
    if category == "c":
        years = max(years, p.management_experience_years)
    request = PointsRequest(
        category=category,
        education=_hsp_education(p),  # type: ignore[arg-type]
        age=p.age,
        years_experience=years,
        annual_salary_jpy=p.job_offer_salary_jpy or 0,
        japanese=_hsp_japanese(p),
        japanese_university_degree=japanese_degree,
        top_university=p.top100_university,
        language=p.language,
    )
    points = calculate(request)
    result.points = points
    params = {"total": points.total, "threshold": points.threshold, "category": category}
    result.reasons.append(("pathways.reason.hsp_points", params))
    if p.job_offer_salary_jpy is None:
        table = hsp_table()["items"]
        salary_item = "salary_management" if category == "c" else "salary"
        best = max(band["points"] for band in table[salary_item]["bands"])
        result.missing.append(("pathways.missing.hsp_salary", {}))
        result.outcome = "nearly" if points.total + best >= points.threshold else "no"
        return result
    if points.eligible:
        result.outcome = "fits"
    elif points.below_floor:
        result.reasons.append(("pathways.reason.hsp_floor", {"amount": points.floor_jpy}))
    elif points.total >= points.threshold - rule["nearly_margin"]:
        result.missing.append(("pathways.missing.hsp_points", {"points": points.threshold - points.total}))
        result.outcome = "nearly"
    if offer is None:
        result.missing.append(("pathways.missing.job_offer", {}))
    return result


def j_find(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("j_find", "no")
    if not p.top100_university or p.education_level not in rule["degree_levels"]:
        result.reasons.append(("pathways.reason.j_find_university", {}))
        return result
    if p.years_since_graduation is None:
        result.missing.append(("pathways.missing.j_find_graduation", {"years": rule["max_years_since_graduation"]}))
    elif p.years_since_graduation > rule["max_years_since_graduation"]:
        result.reasons.append(("pathways.reason.j_find_too_long_ago", {"years": rule["max_years_since_graduation"]}))
        return result
    if p.savings_jpy is None or p.savings_jpy < rule["min_savings_jpy"]:
        result.missing.append(("pathways.missing.j_find_savings", {"amount": rule["min_savings_jpy"]}))
    result.reasons.append(("pathways.reason.j_find_about", {}))
    result.outcome = "nearly" if result.missing else "fits"
    return result


def j_skip(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("j_skip", "no")
    salary = p.job_offer_salary_jpy
    management = p.job_offer_field is not None and bool(_fields()[p.job_offer_field].get("management"))
    if management:
        basis = p.management_experience_years >= rule["management_years"]
        minimum = rule["management_min_salary_jpy"]
        basis_key, params = "pathways.reason.j_skip_management", {"years": rule["management_years"]}
    else:
        basis = p.education_level in rule["degree_levels"] or p.experience_years >= rule["experience_years"]
        minimum = rule["min_salary_jpy"]
        basis_key, params = "pathways.reason.j_skip_professional", {"years": rule["experience_years"]}
    result.reasons.append((basis_key, params))
    if not basis:
        return result
    if salary is None:
        result.missing.append(("pathways.missing.j_skip_salary", {"amount": minimum}))
        result.outcome = "nearly"
    elif salary >= minimum:
        result.outcome = "fits"
    else:
        result.reasons.append(("pathways.reason.j_skip_salary_low", {"amount": minimum}))
    return result


def nursing_care(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("nursing_care", "no")
    if rule["qualification"] not in p.qualifications:
        result.reasons.append(("pathways.reason.nursing_care_needs_qualification", {}))
        return result
    result.reasons.append(("pathways.reason.nursing_care_qualified", {}))
    if p.job_offer_field == "nursing_care":
        result.outcome = "fits"
    else:
        result.missing.append(("pathways.missing.job_offer_in", {"field": "nursing_care"}))
        result.outcome = "nearly"
    return result


def designated_46(p: ProfileRequest, rule: dict[str, Any], today: date) -> StatusResult:
    result = StatusResult("designated_46", "no")
    # A Japanese university degree is what the graduated_in_japan flag says; a 高度専門士 is a Japanese
    # title by itself (the level is only awarded in Japan), so it needs no flag.
    university = p.graduated_in_japan and p.education_level in rule["japan_levels"]
    certified_course = p.education_country == "JP" and p.education_level in rule["certified_course_levels"]
    if not university and not certified_course:
        result.reasons.append(("pathways.reason.d46_needs_japanese_degree", {}))
        return result
    result.reasons.append(("pathways.reason.d46_japanese_degree", {}))
    if certified_course:
        result.reasons.append(("pathways.reason.d46_certified_course", {}))
    if p.jlpt != rule["jlpt"] and (p.bjt_score or 0) < rule["bjt_min"]:
        result.missing.append(("pathways.missing.d46_japanese", {"score": rule["bjt_min"]}))
    if p.job_offer_field is None:
        result.missing.append(("pathways.missing.job_offer", {}))
    result.outcome = _outcome(result.missing, job=p.job_offer_field is not None)
    return result


RULES: dict[str, Callable[[ProfileRequest, dict[str, Any], date], StatusResult]] = {
    "engineer_humanities": engineer_humanities,
    "ssw1": ssw1,
    "ssw2": ssw2,
    "esd": esd,
    "student": student,
    "hsp": hsp,
    "j_find": j_find,
    "j_skip": j_skip,
    "nursing_care": nursing_care,
    "designated_46": designated_46,
}


def check(profile: ProfileRequest, today: date | None = None) -> list[StatusResult]:
    rules = pathway_rules()
    today = today or date.today()
    results = []
    for status, rule in rules["statuses"].items():
        result = RULES[status](profile, rule, today)
        result.topics = list(rule["topics"])
        result.sources = list(rule["sources"])
        results.append(result)
    return results


def rules_as_of() -> date:
    return as_of(pathway_rules())
