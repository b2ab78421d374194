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
SIMPLE_BONUSES = (
    "top_university",
    "investment_100m",
    "innovation_support",
    "growth_field",
    "local_government_support",
    "rnd_intensive_sme",
    "foreign_qualification",
    "investment_management",
    "jica_training",
)
# Counts of the request scored by bands of `min_count` (shown only when the person has some).
COUNTED_ITEMS = (("research", "research_achievements"), ("qualifications", "national_qualifications"))


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


def _part(item: dict[str, Any], category: str) -> dict[str, Any]:
    """The values of `item` for one category: its `by_category` entry, or the item itself."""
    by_category: dict[str, dict[str, Any]] | None = item.get("by_category")
    return item if by_category is None else by_category[category]


def _sources(item: dict[str, Any], category: str) -> list[str]:
    sources = item["sources"]
    return list(sources[category] if isinstance(sources, dict) else sources)


class _Lines:
    """Collects the breakdown of one category, each line citing the sources that support it."""

    def __init__(self, items: dict[str, dict[str, Any]], category: str) -> None:
        self.items = items
        self.category = category
        self.lines: list[Line] = []

    def applies(self, name: str) -> bool:
        return _applies(self.items[name], self.category)

    def add(self, name: str, points: int, rule: str, **params: Any) -> None:
        item = self.items[name]
        uncertain = bool(item.get("uncertain", False))
        self.lines.append(Line(name, int(points), rule, params, _sources(item, self.category), uncertain))

    def salary(self, name: str, salary: int, age: int | None) -> None:
        bands = self.items[name]["bands"]
        for band in bands:  # highest band first
            if salary >= band["min_jpy"]:
                limit = band.get("age_below")
                if limit is not None and (age is None or age >= limit):
                    # Bands are exclusive: a 45-year-old earning ¥7.5M gets nothing, not a lower band's points.
                    self.add(name, 0, "points.rule.salary_age", salary=salary, band=band["min_jpy"], limit=limit)
                else:
                    self.add(name, band["points"], "points.rule.salary", salary=salary, band=band["min_jpy"])
                return
        self.add(name, 0, "points.rule.salary_none", salary=salary, band=bands[-1]["min_jpy"])

    def counted(self, name: str, count: int) -> None:
        """An item scored by how many of its kinds apply; shown only when there is at least one."""
        if count <= 0 or not self.applies(name):
            return
        bands = _part(self.items[name], self.category)["bands"]
        band = next((b for b in bands if count >= b["min_count"]), None)
        if band is not None:
            self.add(name, band["points"], f"points.rule.{name}", count=count, min=band["min_count"])


def _education(lines: _Lines, request: PointsRequest) -> None:
    part = _part(lines.items["education"], lines.category)
    points = int(part["values"][request.education])
    rule = part.get("rule", "points.rule.education") if points else "points.rule.education_none"
    lines.add("education", points, rule, degree=request.education)
    multiple = lines.items["multiple_degrees"]
    if request.multiple_degrees and lines.applies("multiple_degrees"):
        if request.education in multiple["requires_education"]:
            lines.add("multiple_degrees", multiple["points"], "points.rule.multiple_degrees")
        else:
            lines.add("multiple_degrees", 0, "points.rule.multiple_degrees_needs_master")


def _experience(lines: _Lines, years: int) -> None:
    part = _part(lines.items["experience"], lines.category)
    band = next((b for b in part["bands"] if years >= b["min_years"]), None)
    if band is None:
        lines.add("experience", 0, "points.rule.experience_none", years=years, min=part["bands"][-1]["min_years"])
    else:
        rule = part.get("rule", "points.rule.experience")
        lines.add("experience", band["points"], rule, years=years, min=band["min_years"])


def _age(lines: _Lines, age: int) -> None:
    bands = lines.items["age"]["bands"]
    band = next((b for b in bands if age < b["age_below"]), None)
    if band is None:
        lines.add("age", 0, "points.rule.age_none", age=age, limit=bands[-1]["age_below"])
    else:
        lines.add("age", band["points"], "points.rule.age", age=age, limit=band["age_below"])


def _bonuses(lines: _Lines, request: PointsRequest) -> None:
    items = lines.items
    japanese = items["japanese"]
    if request.japanese is not None and lines.applies("japanese"):
        if (
            request.japanese == "N2"
            and request.japanese_university_degree
            and japanese["n2_excluded_with_japanese_university"]
        ):
            lines.add("japanese", 0, "points.rule.japanese_n2_excluded", level="N2")
        else:
            lines.add("japanese", japanese["values"][request.japanese], "points.rule.japanese", level=request.japanese)

    if request.japanese_university_degree and lines.applies("japanese_university"):
        lines.add("japanese_university", items["japanese_university"]["points"], "points.rule.japanese_university")

    if request.position is not None and lines.applies("position"):
        points = items["position"]["values"][request.position]
        lines.add("position", points, f"points.rule.position_{request.position}")

    for name in SIMPLE_BONUSES:
        if getattr(request, name) and lines.applies(name):
            lines.add(name, items[name]["points"], f"points.rule.{name}")

    sme = items["innovation_sme"]
    if request.innovation_sme and lines.applies("innovation_sme"):
        if getattr(request, sme["requires_flag"]):
            lines.add("innovation_sme", sme["points"], "points.rule.innovation_sme")
        else:
            lines.add("innovation_sme", 0, "points.rule.innovation_sme_needs_support")


def calculate(request: PointsRequest, table: dict[str, Any] | None = None) -> PointsResult:
    table = table or hsp_table()
    items: dict[str, dict[str, Any]] = table["items"]
    category = request.category
    collected = _Lines(items, category)

    if collected.applies("education"):
        _education(collected, request)
    if collected.applies("experience"):
        _experience(collected, request.years_experience)
    for name in ("salary", "salary_management"):
        if collected.applies(name):
            collected.salary(name, request.annual_salary_jpy, request.age)
    if collected.applies("age"):
        _age(collected, request.age)
    for name, field_name in COUNTED_ITEMS:
        collected.counted(name, getattr(request, field_name))
    _bonuses(collected, request)
    lines = collected.lines

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
