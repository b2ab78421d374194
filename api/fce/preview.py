"""The instant preview: what a credential is typically comparable to in Japan, from the comparability data."""

from __future__ import annotations

from typing import Any

from api.core.i18n import Catalogs, format_number
from api.fce.comparability import Credential
from api.fce.schemas import PreviewRequest
from knowledge_base.language import LANGUAGES

# A year less than typical is within normal variation (e.g. 3.5-year programmes); beyond it, say so.
SHORTER_TOLERANCE_YEARS = 0.5


def preview_result(credential: Credential, body: PreviewRequest, catalogs: Catalogs) -> dict[str, Any]:
    notes = [credential.notes] if credential.notes else []
    if body.years is not None and body.years < credential.typical_duration_years - SHORTER_TOLERANCE_YEARS:
        notes.append(
            catalogs.gettext(
                "fce.preview.shorter",
                body.language,
                years=format_number(body.years, body.language),
                typical=format_number(credential.typical_duration_years, body.language),
            )
        )
    return {
        "country": body.country,
        "credential": credential.id,
        "names": credential.names.as_dict(),
        "isced_level": credential.isced_level,
        "jqf_level": credential.jqf_level,
        "japan_equivalent": {
            language: catalogs.gettext(f"fce.jp.{credential.japan_equivalent}", language) for language in LANGUAGES
        },
        "typical_duration_years": credential.typical_duration_years,
        "confidence": credential.confidence,
        "notes": notes,
        "sources": list(credential.sources),
        "disclaimer": catalogs.gettext("fce.preview.disclaimer", body.language),
    }
