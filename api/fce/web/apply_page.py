"""The web application form, /fce/apply, in the five languages (text from the fce.po catalogs)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.core.config import REPO_ROOT
from api.core.site import site_nav
from api.deps import CatalogsDep, FceDep, PagesDep
from api.fce.countries import country_names
from api.fce.web.request import request_language
from knowledge_base.language import LANGUAGES

router = APIRouter(include_in_schema=False)
PURPOSES = ("employment", "university_admission", "residence_application", "professional_licence", "other")
DOCUMENTS = ("all", "some", "none")
_CONTENT = REPO_ROOT / "knowledge_base" / "content"


def privacy_url(language: str) -> str:
    """The privacy article in the page's language where it has been written, else in English."""
    has_article = (_CONTENT / language / "service.privacy.md").exists()
    return f"/kb/{language if has_article else 'en'}/service.privacy"


@router.get("/fce/apply", response_class=HTMLResponse)
def apply_page(
    request: Request,
    fce: FceDep,
    catalogs: CatalogsDep,
    pages: PagesDep,
    lang: Annotated[str | None, Query(max_length=8)] = None,
) -> HTMLResponse:
    language = request_language(request, lang)
    names = country_names(language)
    # Countries with comparability data first (their credentials can be picked from a list).
    covered = sorted(fce.data.countries, key=lambda code: names[code])
    others = sorted((code for code in names if code not in fce.data.countries), key=lambda code: names[code])
    context: dict[str, Any] = {
        "language": language,
        "languages": [(code, catalogs.gettext(f"language.{code}", code)) for code in LANGUAGES],
        "t": lambda key, **kw: catalogs.gettext(key, language, **kw),
        "covered": [(code, names[code]) for code in covered],
        "others": [(code, names[code]) for code in others],
        "purposes": PURPOSES,
        "documents": DOCUMENTS,
        "privacy_url": privacy_url(language),
        # The form's script also reads the texts about attaching a digital credential (bring.*).
        "strings": catalogs.bundle("fce.", language) | catalogs.bundle("bring.form.", language),
        # The site's header: a way home, to the other tools and to this form in another language.
        **site_nav(catalogs, language, "/fce/apply", lambda code: f"/fce/apply?lang={code}"),
    }
    page: HTMLResponse = pages.TemplateResponse(request, "fce/apply.html", context)
    return page
