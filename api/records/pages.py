"""Public verify pages: GET /v/{id} (the QR's address) and /verify (paste a token, or drop a PDF/JSON).

Five languages (?lang=, else Accept-Language); every label is shown in Japanese with the page's
language beside it, since the reader is usually a Japanese employer and the holder reads their own.
The result comes first, then the checks, then the claims — and on `tampered` or `unknown_issuer`
no claims at all. Plain HTML without scripts, under the same CSP as the FCE pages.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from api.core.i18n import Catalogs
from api.deps import CatalogsDep, PagesDep, RecordsDep, VerifierDep
from api.fce.countries import country_name
from api.fce.web.request import request_language
from api.fce.web.status_page import PAGE_HEADERS
from api.records import routes
from knowledge_base.language import LANGUAGES

router = APIRouter(include_in_schema=False)
# Results that vouch for nothing: their claims are not shown.
NO_CLAIMS = frozenset({"tampered", "unknown_issuer"})


def claims_view(credential: dict[str, Any], language: str, catalogs: Catalogs) -> list[tuple[str, str]]:
    """(label key, value) pairs of what the credential says; hidden SD-JWT items are marked as such."""
    subject = credential.get("credentialSubject") or {}
    evaluation = subject.get("evaluation") or {}
    found = evaluation.get("credential") or {}
    hidden = catalogs.gettext("records.claim.hidden", language)

    def named(names: Any) -> str:
        if not isinstance(names, dict):
            return hidden
        return " / ".join(dict.fromkeys(str(names[code]) for code in ("ja", language) if code in names))

    holder = next((i.get("identityHash") for i in subject.get("identifier") or [] if isinstance(i, dict)), None)
    years = ""
    if "startYear" in found:
        years = f"{found['startYear']}–{found.get('endYear') or ''}"
    differences = evaluation.get("substantialDifferences")
    none = catalogs.gettext("records.claim.none", language)
    if isinstance(differences, list):
        diff_text = "; ".join(f"{d.get('difference')}: {d.get('reason')}" for d in differences if isinstance(d, dict))
    else:
        diff_text = hidden
    country = found.get("country")
    comparable = evaluation.get("comparableJapaneseQualification") or {}
    rows = [
        ("applicant", str(holder) if holder else hidden),
        ("credential", named(found.get("names"))),
        ("institution", str(found.get("institution") or hidden)),
        (
            "country",
            " / ".join(dict.fromkeys([country_name(country, "ja"), country_name(country, language)]))
            if country
            else hidden,
        ),
        ("years", years or hidden),
        ("comparable", named(comparable.get("names"))),
        ("levels", f"ISCED {evaluation.get('iscedLevel')} / JQF {evaluation.get('jqfLevel')}"),
        ("field", str(evaluation.get("field") or hidden)),
        ("differences", diff_text or none),
        ("remarks", str(evaluation["remarks"] or none) if "remarks" in evaluation else hidden),
        ("evaluated_on", str(evaluation.get("evaluatedOn") or "")),
        ("issuer", str((credential.get("issuer") or {}).get("name") or "")),
    ]
    return rows


def render(
    request: Request,
    pages: Jinja2Templates,
    catalogs: Catalogs,
    language: str,
    *,
    outcome: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> Response:
    def t(key: str, **params: Any) -> str:
        return catalogs.gettext(key, language, **params)

    def both(key: str, **params: Any) -> str:
        """Japanese first for the employer, then the page's language when it differs."""
        ja = catalogs.gettext(key, "ja", **params)
        other = catalogs.gettext(key, language, **params)
        return ja if language == "ja" else f"{ja} / {other}"

    claims = None
    if outcome is not None and outcome["result"] not in NO_CLAIMS and outcome.get("credential"):
        claims = claims_view(outcome["credential"], language, catalogs)
    context: dict[str, Any] = {
        "language": language,
        "languages": [(c, catalogs.gettext(f"language.{c}", c)) for c in LANGUAGES],
        "t": t,
        "both": both,
        "outcome": outcome,
        "claims": claims,
        "error": error,
        "path": request.url.path,
    } | (extra or {})
    page: Response = pages.TemplateResponse(request, "records/verify.html", context, status_code=status_code)
    page.headers.update(PAGE_HEADERS)
    return page


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request, catalogs: CatalogsDep, pages: PagesDep) -> Response:
    return render(request, pages, catalogs, request_language(request, request.query_params.get("lang")))


@router.post("/verify", response_class=HTMLResponse)
async def verify_submit(
    request: Request, records: RecordsDep, verifier: VerifierDep, catalogs: CatalogsDep, pages: PagesDep
) -> Response:
    language = request_language(request, request.query_params.get("lang"))
    try:
        await run_in_threadpool(routes.rate_limit, records, catalogs, request)
        token = await page_token(request, records)
    except HTTPException as error:
        detail = error.detail if isinstance(error.detail, str) else str(error.detail[0].get("msg", ""))
        return render(
            request, pages, catalogs, language, error=t_error(catalogs, language, detail), status_code=error.status_code
        )
    outcome = await run_in_threadpool(routes.check, verifier, token)
    return render(request, pages, catalogs, language, outcome=outcome)


def t_error(catalogs: Catalogs, language: str, detail: str) -> str:
    return catalogs.gettext("records.verify.error", language, detail=detail)


async def page_token(request: Request, records: Any) -> str:
    """The form's pasted token, or its dropped file (the same caps and parsing as the API)."""
    s = records.settings
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        raw = await routes.read_capped(request, s.max_token_bytes + 1024, ["body", "credential"])
        from urllib.parse import parse_qs

        values = parse_qs(raw.decode("utf-8", "replace")).get("credential", [""])
        token = values[0].strip()
        if not token:
            raise HTTPException(422, detail="paste a credential")
        return token
    if kind == "multipart/form-data":
        declared = request.headers.get("content-length", "")
        if not declared.isdigit() or int(declared) > s.max_pdf_bytes + 64 * 1024:
            raise routes.too_large(["body", "file"], s.max_pdf_bytes)
        async with request.form(max_files=1, max_fields=3) as form:
            pasted = form.get("credential")
            if isinstance(pasted, str) and pasted.strip():
                if len(pasted.encode()) > s.max_token_bytes:
                    raise routes.too_large(["body", "credential"], s.max_token_bytes)
                return pasted.strip()
            upload = form.get("file")
            if upload is None or isinstance(upload, str) or not upload.filename:
                raise HTTPException(422, detail="paste a credential or choose a file")
            data = await upload.read(s.max_pdf_bytes + 1)
            if len(data) > s.max_pdf_bytes:
                raise routes.too_large(["body", "file"], s.max_pdf_bytes)
            return routes.token_from_file(data, upload.filename, (s.max_token_bytes, s.max_pdf_bytes))
    raise HTTPException(415, detail="unsupported form")


@router.get("/v/{verify_id}", response_class=HTMLResponse)
def verify_id_page(
    verify_id: str, request: Request, records: RecordsDep, verifier: VerifierDep, catalogs: CatalogsDep, pages: PagesDep
) -> Response:
    language = request_language(request, request.query_params.get("lang"))
    routes.rate_limit(records, catalogs, request)
    issued = records.by_verify_id(verify_id)
    if issued is None:
        return render(
            request,
            pages,
            catalogs,
            language,
            error=catalogs.gettext("records.verify.not_found", language),
            status_code=404,
        )
    return render(request, pages, catalogs, language, outcome=routes.check(verifier, issued.token))
