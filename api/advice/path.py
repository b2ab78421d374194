"""The suggested learning path for an advice request, computed from the JQF data alone.

Contract: `learning_path(request, catalogs)` returns the steps still ahead of the person, in order,
each a rung of a JQF ladder (knowledge_base/data/jqf/qualifications.yml), a Japanese-level step, or
the goal status itself as the last step; and the occupational field whose ladder it climbs.

How (no answer is written per case; the rule files decide):
- The field is the one the person chose, else the field whose ladder holds the qualification the
  goal status names (`qualification:` in pathways.yml, e.g. the Nursing Care status → 介護福祉士).
- The rungs that open the goal status: the status's own `qualification` and `it_qualifications`,
  rungs whose `kind` is that status's skills test (ssw1_test → SSW (i), ssw2_test → SSW (ii),
  esd → ESD), and vocational titles (専門士) where the status accepts `japan_vocational_levels`.
- The route is the shortest chain of the field's `paths` from what the person holds (their
  qualifications, and the skills test their current status implies) to such a rung; a person who
  holds nothing on the ladder starts at its entry rungs (those no path leads to, and SSW (i) tests,
  which anyone may sit); a rung nothing leads to (a college course) is a step of its own. Each
  step carries the `via` text of the path that leads to it.
- Outside the occupational ladders (no field, or a status that only needs education, like
  Engineer/Specialist in Humanities), the academic ladder gives the lowest rung the status accepts.
- A Japanese step is added when the status names a JLPT level (`jlpt_accepted`, `jlpt`) the person
  has not reached. A goal nothing on the ladders opens (e.g. HSP) gets no path rather than a wrong one.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from api.core.i18n import Catalogs
from api.pathways.data import framework_qualifications, localised, pathway_rules

# The qualification kinds that are a status's own skills test: the one structural link the data
# expresses by kind rather than by id.
KIND_OPENS = {"ssw1_test": "ssw1", "ssw2_test": "ssw2", "esd": "esd"}
# JLPT levels from strongest to weakest; "none" is below N5.
JLPT_ORDER = ("N1", "N2", "N3", "N4", "N5", "none")


def _groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = framework_qualifications()["occupational"]
    return groups


def path_field(goal_status: str, goal_field: str | None) -> str | None:
    """The occupational ladder the path climbs (None: the academic ladder)."""
    fields = {g["field"] for g in _groups()}
    if goal_field in fields:
        return goal_field
    named = pathway_rules()["statuses"].get(goal_status, {}).get("qualification")
    return next((g["field"] for g in _groups() if any(q["id"] == named for q in g["qualifications"])), None)


def _openers(status: str, qualifications: list[dict[str, Any]]) -> set[str]:
    rule = pathway_rules()["statuses"].get(status, {})
    named = {rule.get("qualification")} | set(rule.get("it_qualifications", []))
    vocational = bool(rule.get("japan_vocational_levels"))
    return {
        q["id"]
        for q in qualifications
        if q["id"] in named
        or KIND_OPENS.get(q.get("kind", "")) == status
        or (vocational and q.get("kind") == "vocational_title")
    }


def _academic_openers(status: str) -> list[dict[str, Any]]:
    """Academic rungs the status accepts: its degree levels and Japanese vocational titles, by id prefix."""
    rule = pathway_rules()["statuses"].get(status, {})
    accepted = [*rule.get("degree_levels", []), *rule.get("japan_vocational_levels", []), *rule.get("japan_levels", [])]
    academic: list[dict[str, Any]] = framework_qualifications()["academic"]
    return [q for q in academic if any(q["id"] == a or q["id"].startswith(a + "_") for a in accepted)]


def _route(group: dict[str, Any], held: set[str], targets: set[str]) -> list[str]:
    """The shortest chain of the field's paths from a held rung (or an entry rung) to a target."""
    edges: dict[str, list[str]] = {}
    incoming: set[str] = set()
    for path in group.get("paths", []):
        edges.setdefault(path["from"], []).append(path["to"])
        incoming.add(path["to"])
    order = [q["id"] for q in group["qualifications"]]
    starts = [q for q in order if q in held]
    prefix_start = not starts
    if prefix_start:
        # Entry rungs: those no path leads to, and SSW (i) skills tests, which anyone may sit.
        kinds = {q["id"]: q.get("kind") for q in group["qualifications"]}
        starts = [q for q in order if q not in incoming or kinds[q] == "ssw1_test"]
    queue: deque[list[str]] = deque([s] for s in starts)
    seen = set(starts)
    while queue:
        chain = queue.popleft()
        if chain[-1] in targets:
            return chain if prefix_start else chain[1:]
        for following in edges.get(chain[-1], []):
            if following not in seen:
                seen.add(following)
                queue.append([*chain, following])
    # Nothing leads there: a rung no path enters (a vocational college course) is entered directly.
    direct = [q for q in order if q in targets and q not in incoming]
    return direct[:1]


def _japanese_gap(status: str, level: str) -> str | None:
    """The JLPT level the status asks for when the person has not reached it."""
    rule = pathway_rules()["statuses"].get(status, {})
    accepted = rule.get("jlpt_accepted") or ([rule["jlpt"]] if rule.get("jlpt") else [])
    if not accepted:
        return None
    needed = max(accepted, key=JLPT_ORDER.index)
    return needed if JLPT_ORDER.index(level) > JLPT_ORDER.index(needed) else None


def learning_path(
    *,
    current_status: str,
    qualifications: list[str],
    japanese_level: str,
    goal_status: str,
    goal_field: str | None,
    language: str,
    catalogs: Catalogs,
) -> tuple[str | None, list[dict[str, Any]]]:
    """(the field climbed, the steps ahead): see the module docstring."""
    field = path_field(goal_status, goal_field)
    group = next((g for g in _groups() if g["field"] == field), None)
    held = set(qualifications)
    steps: list[dict[str, Any]] = []
    academic_held = [q for q in _academic_openers(goal_status) if q["id"] in held]
    if group is not None and (openers := _openers(goal_status, group["qualifications"])) and not academic_held:
        by_id = {q["id"]: q for q in group["qualifications"]}
        # A person on a skills-test status has passed that field's test.
        held |= {q["id"] for q in group["qualifications"] if KIND_OPENS.get(q.get("kind", "")) == current_status}
        if not held & openers:
            chain = _route(group, held & set(by_id), openers)
            if not chain:
                return field, []
            via = {(p["from"], p["to"]): p["via"] for p in group.get("paths", [])}
            previous = next((h for h in held if any((h, chain[0]) == key for key in via)), None)
            for rung in chain:
                steps.append(_rung(by_id[rung], field or "", language, via.get((previous or "", rung))))
                previous = rung
    elif not academic_held:
        # The lowest rung; at equal level a Japanese vocational title (専門士), the route the plan
        # builds with vocational colleges, before a degree from abroad's counterpart.
        vocational = pathway_rules()["statuses"].get(goal_status, {}).get("japan_vocational_levels", [])
        candidates = sorted(_academic_openers(goal_status), key=lambda q: (q["level"], q["id"] not in vocational))
        if not candidates:
            return field, []
        steps.append(_rung(candidates[0], "", language, None))
    japanese = _japanese_gap(goal_status, japanese_level)
    if japanese is not None:
        steps.append(
            {
                "id": f"jlpt_{japanese}",
                "name": catalogs.gettext("advice.step.japanese", language, level=japanese),
                "level": steps[-1]["level"] if steps else 0,
                "field": field or "",
                "kind": "japanese",
            }
        )
    steps.append(
        {
            "id": goal_status,
            "name": catalogs.gettext(f"pathways.status.{goal_status}", language),
            "level": steps[-1]["level"] if steps else 0,
            "field": field or "",
            "kind": "status",
        }
    )
    return field, steps


def _rung(q: dict[str, Any], field: str, language: str, via: dict[str, str] | None) -> dict[str, Any]:
    step: dict[str, Any] = {
        "id": q["id"],
        "name": localised(q["name"], language),
        "level": q["level"],
        "field": field,
        "kind": q.get("kind", "academic"),
    }
    if via is not None:
        step["via"] = localised(via, language)
    if "starts" in q:
        step["starts"] = str(q["starts"])
    return step
