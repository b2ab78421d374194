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
            {"field": group["field"], "name": localised(group["name"], language)}
            for group in qualifications["occupational"]
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


def _qualification(q: dict[str, Any], language: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": q["id"],
        "name": localised(q["name"], language),
        "name_ja": q["name"]["ja"],
        "isced": q["isced"],
        "uncertain": q["uncertain"],
        "sources": q["sources"],
    }
    if "isced_code" in q:
        body["isced_code"] = q["isced_code"]
    if "reason" in q:
        body["reason"] = localised(q["reason"], language)
    return body
