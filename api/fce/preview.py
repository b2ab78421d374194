"""The instant preview: what a credential is typically comparable to in Japan, from the comparability data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status

from api.core.i18n import Catalogs, format_number
from api.deps import CatalogsDep, FceDep
from api.fce.comparability import Credential
from api.fce.countries import country_name
from api.fce.deps import request_language
from api.fce.schemas import CountryOut, CredentialOptionOut, PreviewOut, PreviewRequest
from knowledge_base.language import LANGUAGES

router = APIRouter(prefix="/api/v1/fce", tags=["fce"])
# A year less than typical is within normal variation (e.g. 3.5-year programmes); beyond it, say so.
SHORTER_TOLERANCE_YEARS = 0.5


def _unknown(catalogs: Catalogs, key: str, language: str, country: str) -> HTTPException:
    message = catalogs.gettext(key, language, country=country_name(country, language), apply_url="/fce/apply")
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=message)


@router.get("/countries", response_model=list[CountryOut])
def countries(request: Request, fce: FceDep, lang: Annotated[str | None, Query(max_length=8)] = None) -> list[Any]:
    """Countries with comparability data, named in the caller's language (for the form and chat buttons)."""
    language = request_language(request, lang)
    codes = sorted(fce.data.countries, key=lambda code: country_name(code, language))
    return [{"code": code, "name": country_name(code, language)} for code in codes]


@router.get("/credentials", response_model=list[CredentialOptionOut])
def credentials(
    request: Request,
    fce: FceDep,
    catalogs: CatalogsDep,
    country: Annotated[str, Query(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")],
    lang: Annotated[str | None, Query(max_length=8)] = None,
) -> list[dict[str, Any]]:
    entry = fce.data.country(country)
    if entry is None:
        raise _unknown(catalogs, "fce.preview.unknown_country", request_language(request, lang), country.upper())
    return [
        {"id": c.id, "names": c.names.as_dict(), "original_name": c.names.original, "isced_level": c.isced_level}
        for c in entry.credentials
    ]


@router.post("/preview", response_model=PreviewOut)
def preview(body: PreviewRequest, fce: FceDep, catalogs: CatalogsDep) -> dict[str, Any]:
    entry = fce.data.country(body.country)
    if entry is None:
        raise _unknown(catalogs, "fce.preview.unknown_country", body.language, body.country)
    credential = entry.credential(body.credential)
    if credential is None:
        raise _unknown(catalogs, "fce.preview.unknown_credential", body.language, body.country)
    return preview_result(credential, body, catalogs)


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
