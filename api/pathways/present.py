"""Results in a person's language: catalog keys and parameters become sentences.

Parameter names carry their type by convention so that every message formats them the same way:
`field`/`job` are field ids, `amount`/`salary`/`band` are yen, `date` is a date, `degree` an HSP education.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from api.core.i18n import Catalogs, format_date, format_number
from api.pathways.check import Message, StatusResult
from api.pathways.data import as_of, hsp_table, localised, pathway_rules
from api.pathways.points import PointsResult

YEN_PARAMS = {"amount", "salary", "band"}
FIELD_PARAMS = {"field", "job"}


def _param(name: str, value: Any, language: str, catalogs: Catalogs) -> Any:
    if name in FIELD_PARAMS:
        return localised(pathway_rules()["fields"][value]["name"], language)
    if name in YEN_PARAMS:
        return format_number(value, language)
    if name == "date" and isinstance(value, date):
        return format_date(value, language)
    if name == "degree":
        return catalogs.gettext(f"points.education.{value}", language)
    if name == "category":
        return catalogs.gettext(f"points.category.{value}", language)
    return value


def render(message: Message, language: str, catalogs: Catalogs) -> str:
    key, params = message
    values = {k: _param(k, v, language, catalogs) for k, v in params.items()}
    count = params.get("count")
    if isinstance(count, int) and catalogs.has_plural(key, language):
        # "1 kind", "3 kinds": the catalog's plural forms, never "kind(s)".
        return catalogs.ngettext(key, count, language, **{k: v for k, v in values.items() if k != "count"})
    return catalogs.gettext(key, language, **values)


def disclaimer(language: str, catalogs: Catalogs, rules_date: date) -> list[str]:
    return [
        catalogs.gettext("pathways.guidance_not_decision", language),
        catalogs.gettext("pathways.as_of", language, date=format_date(rules_date, language)),
    ]


def points_body(result: PointsResult, language: str, catalogs: Catalogs) -> dict[str, Any]:
    table = hsp_table()
    rules_date = as_of(table)
    notes = disclaimer(language, catalogs, rules_date)
    if result.below_floor:
        notes.append(
            catalogs.gettext(
                "points.note.floor",
                language,
                amount=format_number(result.floor_jpy, language),
                category=catalogs.gettext(f"points.category.{result.category}", language),
            )
        )
    elif result.total >= result.threshold:
        notes.append(
            catalogs.gettext("points.note.threshold_met", language, total=result.total, threshold=result.threshold)
        )
    else:
        notes.append(
            catalogs.gettext(
                "points.note.threshold_missed",
                language,
                total=result.total,
                threshold=result.threshold,
                missing=result.threshold - result.total,
            )
        )
    if result.pr_fast_track_years is not None:
        years = result.pr_fast_track_years
        notes.append(catalogs.ngettext("points.note.pr_fast_track", years, language, years=years))
    if result.not_counted:
        items = ", ".join(catalogs.gettext(f"points.item.{item}", language) for item in result.not_counted)
        notes.append(catalogs.gettext("points.note.not_counted", language, items=items))
    uncertain = [line.item for line in result.lines if line.uncertain]
    if uncertain:
        items = ", ".join(catalogs.gettext(f"points.item.{item}", language) for item in uncertain)
        notes.append(catalogs.gettext("points.note.uncertain", language, items=items))
    notes.append(catalogs.gettext("points.note.recalculated", language))
    return {
        "category": result.category,
        "total": result.total,
        "threshold": result.threshold,
        "eligible": result.eligible,
        "below_salary_floor": result.below_floor,
        "breakdown": [
            {
                "item": line.item,
                "label": catalogs.gettext(f"points.item.{line.item}", language),
                "points": line.points,
                "rule": render((line.rule, line.params), language, catalogs),
                "uncertain": line.uncertain,
                "sources": line.sources,
            }
            for line in result.lines
        ],
        "pr_fast_track_years": result.pr_fast_track_years,
        "not_counted": result.not_counted,
        "notes": notes,
        "guidance_only": True,
        "as_of": rules_date.isoformat(),
        "language": language,
    }


def status_body(result: StatusResult, language: str, catalogs: Catalogs, base_url: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": result.status,
        "name": catalogs.gettext(f"pathways.status.{result.status}", language),
        "outcome": result.outcome,
        "reasons": [render(m, language, catalogs) for m in result.reasons],
        "missing": [render(m, language, catalogs) for m in result.missing],
        "uncertain": result.uncertain,
        "topics": [{"topic_id": t, "url": f"{base_url}/kb/{language}/{t}"} for t in result.topics],
        "sources": result.sources,
    }
    if result.points is not None:
        body["points"] = {"total": result.points.total, "threshold": result.points.threshold}
    return body
