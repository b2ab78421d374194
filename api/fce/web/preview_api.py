"""/api/v1/fce/countries, /credentials and /preview: the instant preview over HTTP (the result itself is
api/fce/preview.py's, which the chat shares)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status

from api.core.i18n import Catalogs
from api.deps import CatalogsDep, FceDep
from api.fce.countries import country_name
from api.fce.preview import preview_result
from api.fce.schemas import PreviewRequest
from api.fce.web.request import request_language
from api.fce.web.responses import CountryOut, CredentialOptionOut, PreviewOut

router = APIRouter(prefix="/api/v1/fce", tags=["fce"])


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
