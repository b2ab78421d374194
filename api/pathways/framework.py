"""The prototype Japanese qualifications framework (JQF) as one JSON-ready structure per language."""

from __future__ import annotations

from typing import Any

from api.pathways.data import (
    as_of,
    framework_levels,
    framework_qualifications,
    framework_references,
    localised,
)


def framework(language: str) -> dict[str, Any]:
    levels_data = framework_levels()
    qualifications = framework_qualifications()
    references = framework_references()["frameworks"]
    isced_names = levels_data["isced_levels"]
    levels = []
    for level in levels_data["levels"]:
        number = level["level"]
        levels.append(
            {
                "level": number,
                "title": localised(level["title"], language),
                "isced": [{"level": int(i), "name": localised(isced_names[int(i)], language)} for i in level["isced"]],
                "descriptors": {
                    column: localised(level[column], language) for column in ("knowledge", "skills", "autonomy")
                },
                "qualifications": [
                    _qualification(q, language) for q in qualifications["academic"] if q["level"] == number
                ],
                "occupational": [
                    {**_qualification(q, language), "field": group["field"]}
                    for group in qualifications["occupational"]
                    for q in group["qualifications"]
                    if q["level"] == number
                ],
                "references": {
                    ref["id"]: {"level": ref["map"][number]["level"], "basis": ref["map"][number]["basis"]}
                    for ref in references
                },
            }
        )
    return {
        "framework": "jqf",
        "status": levels_data["status"],
        "as_of": as_of(levels_data).isoformat(),
        "language": language,
        "levels": levels,
        "occupational_fields": [
            _field(group, language, qualifications["as_of"]) for group in qualifications["occupational"]
        ],
        "reference_frameworks": [
            {
                "id": ref["id"],
                "name": localised(ref["name"], language),
                "levels": ref["levels"],
                "levels_verified": ref["levels_verified"],
                "sources": ref["sources"],
            }
            for ref in references
        ],
        "sources": levels_data["sources"],
    }


def _field(group: dict[str, Any], language: str, default_as_of: Any) -> dict[str, Any]:
    """One occupational field as a ladder: its qualifications from the lowest level up, and the steps between."""
    names = {q["id"]: localised(q["name"], language) for q in group["qualifications"]}
    return {
        "field": group["field"],
        "name": localised(group["name"], language),
        "isced_f": group["isced_f"],
        "isced_f_name": localised(group["isced_f_name"], language),
        "as_of": str(group.get("as_of", default_as_of)),
        "sources": group["sources"],
        "article": group["article"],
        "ladder": [_qualification(q, language) for q in sorted(group["qualifications"], key=lambda q: q["level"])],
        "paths": [
            {
                "from": path["from"],
                "from_name": names[path["from"]],
                "to": path["to"],
                "to_name": names[path["to"]],
                "via": localised(path["via"], language),
            }
            for path in group.get("paths", [])
        ],
    }


def _qualification(q: dict[str, Any], language: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": q["id"],
        "name": localised(q["name"], language),
        "name_ja": q["name"]["ja"],
        "isced": q["isced"],
        "uncertain": q["uncertain"],
        "sources": q["sources"],
    }
    # Occupational entries say what kind of qualification they are and which descriptors they meet.
    for key in ("kind", "descriptors_met"):
        if key in q:
            body[key] = q[key]
    body["level"] = q["level"]
    if "starts" in q:
        body["starts"] = str(q["starts"])
    if "isced_code" in q:
        body["isced_code"] = q["isced_code"]
    if "reason" in q:
        body["reason"] = localised(q["reason"], language)
    return body
