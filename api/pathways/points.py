"""The HSP points calculation, driven entirely by knowledge_base/data/hsp_points.yml.

Each breakdown line names the catalog key that explains it, with its parameters, so the same
result can be shown in any language (API, page, chat).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.pathways.data import hsp_table
from api.pathways.schemas import PointsRequest

# Flags of the request that are simple "+N when true" items of the table.
SIMPLE_BONUSES = ("top_university", "investment_100m", "innovation_support", "growth_field")


@dataclass(frozen=True)
class Line:
    item: str
    points: int
    rule: str  # catalog key
    params: dict[str, Any]
    sources: list[str]
    uncertain: bool = False


@dataclass
class PointsResult:
    category: str
    total: int
    threshold: int
    eligible: bool
    below_floor: bool
    floor_jpy: int
    pr_fast_track_years: int | None
    lines: list[Line] = field(default_factory=list)
    not_counted: list[str] = field(default_factory=list)


def _applies(item: dict[str, Any], category: str) -> bool:
    return category in item["categories"]


def _line(name: str, item: dict[str, Any], points: int, rule: str, **params: Any) -> Line:
    return Line(name, points, rule, params, list(item["sources"]), bool(item.get("uncertain", False)))


def _salary_line(name: str, item: dict[str, Any], salary: int, age: int | None) -> Line:
    for band in item["bands"]:  # highest band first
        if salary >= band["min_jpy"]:
            limit = band.get("age_below")
            if limit is not None and (age is None or age >= limit):
                # Bands are exclusive: a 45-year-old earning ¥7.5M gets nothing, not a lower band's points.
                return _line(name, item, 0, "points.rule.salary_age", salary=salary, band=band["min_jpy"], limit=limit)
            return _line(name, item, band["points"], "points.rule.salary", salary=salary, band=band["min_jpy"])
    lowest = item["bands"][-1]["min_jpy"]
    return _line(name, item, 0, "points.rule.salary_none", salary=salary, band=lowest)


def calculate(request: PointsRequest, table: dict[str, Any] | None = None) -> PointsResult:
    table = table or hsp_table()
    items: dict[str, dict[str, Any]] = table["items"]
    category = request.category
    lines: list[Line] = []

    education = items["education"]
    if _applies(education, category):
        points = int(education["values"][request.education])
        rule = "points.rule.education" if points else "points.rule.education_none"
        lines.append(_line("education", education, points, rule, degree=request.education))

    multiple = items["multiple_degrees"]
    if request.multiple_degrees and _applies(multiple, category):
        if request.education in multiple["requires_education"]:
            lines.append(_line("multiple_degrees", multiple, multiple["points"], "points.rule.multiple_degrees"))
        else:
            lines.append(_line("multiple_degrees", multiple, 0, "points.rule.multiple_degrees_needs_master"))

    experience = items["experience"]
    if _applies(experience, category):
        band = next((b for b in experience["bands"] if request.years_experience >= b["min_years"]), None)
        if band is None:
            minimum = experience["bands"][-1]["min_years"]
            lines.append(
                _line(
                    "experience",
                    experience,
                    0,
                    "points.rule.experience_none",
                    years=request.years_experience,
                    min=minimum,
                )
            )
        else:
            lines.append(
                _line(
                    "experience",
                    experience,
                    band["points"],
                    "points.rule.experience",
                    years=request.years_experience,
                    min=band["min_years"],
                )
            )

    for name in ("salary", "salary_management"):
        if _applies(items[name], category):
            lines.append(_salary_line(name, items[name], request.annual_salary_jpy, request.age))

    age_item = items["age"]
    if _applies(age_item, category):
        band = next((b for b in age_item["bands"] if request.age < b["age_below"]), None)
        if band is None:
            limit = age_item["bands"][-1]["age_below"]
            lines.append(_line("age", age_item, 0, "points.rule.age_none", age=request.age, limit=limit))
        else:
            lines.append(
                _line("age", age_item, band["points"], "points.rule.age", age=request.age, limit=band["age_below"])
            )

    japanese = items["japanese"]
    if request.japanese is not None and _applies(japanese, category):
        if (
            request.japanese == "N2"
            and request.japanese_university_degree
            and japanese["n2_excluded_with_japanese_university"]
        ):
            lines.append(_line("japanese", japanese, 0, "points.rule.japanese_n2_excluded", level="N2"))
        else:
            points = int(japanese["values"][request.japanese])
            lines.append(_line("japanese", japanese, points, "points.rule.japanese", level=request.japanese))

    university = items["japanese_university"]
    if request.japanese_university_degree and _applies(university, category):
        lines.append(_line("japanese_university", university, university["points"], "points.rule.japanese_university"))

    position = items["position"]
    if request.position is not None and _applies(position, category):
        rule = f"points.rule.position_{request.position}"
        lines.append(_line("position", position, int(position["values"][request.position]), rule))

    for name in SIMPLE_BONUSES:
        item = items[name]
        if getattr(request, name) and _applies(item, category):
            lines.append(_line(name, item, item["points"], f"points.rule.{name}"))

    sme = items["innovation_sme"]
    if request.innovation_sme and _applies(sme, category):
        if getattr(request, sme["requires_flag"]):
            lines.append(_line("innovation_sme", sme, sme["points"], "points.rule.innovation_sme"))
        else:
            lines.append(_line("innovation_sme", sme, 0, "points.rule.innovation_sme_needs_support"))

    total = sum(line.points for line in lines)
    floor = table["salary_floor"]
    below_floor = category in floor["categories"] and request.annual_salary_jpy < floor["amount_jpy"]
    eligible = total >= table["threshold"] and not below_floor
    pr_years = None
    if eligible:
        pr_years = next((int(step["years"]) for step in table["pr_fast_track"] if total >= step["min_points"]), None)
    return PointsResult(
        category=category,
        total=total,
        threshold=int(table["threshold"]),
        eligible=eligible,
        below_floor=below_floor,
        floor_jpy=int(floor["amount_jpy"]),
        pr_fast_track_years=pr_years,
        lines=lines,
        not_counted=list(table["not_in_data"].get(category, [])),
    )
