"""Routes for insights (issue #17 item 4): the summary API, its CSV export and /console/insights.

Only the roles `researcher` and `admin` may read them: 401 without a login, 403 for any other role.
Bearer tokens and the console's session cookie both work (api/auth/deps.py); everything here is GET.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth.deps import require_roles
from api.auth.models import Role, User
from api.deps import CatalogsDep, InsightsDep, PagesDep
from api.insights.charts import bars
from api.insights.schemas import InsightsSummary
from api.insights.service import csv_rows
from knowledge_base.languages import LANGUAGES, page_language

router = APIRouter()
Researcher = Annotated[User, Depends(require_roles(Role.RESEARCHER.value, Role.ADMIN.value))]
Lang = Annotated[str | None, Query(max_length=8)]
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/api/v1/insights/summary", response_model=InsightsSummary)
def summary(user: Researcher, insights: InsightsDep, response: Response) -> InsightsSummary:
    response.headers.update(NO_STORE)
    return insights.summary()


@router.get("/api/v1/insights/summary.csv", response_class=Response)
def summary_csv(user: Researcher, insights: InsightsDep) -> Response:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(insights.summary()))
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kakehashi-insights.csv"', **NO_STORE},
    )


@router.get("/console/insights", response_class=HTMLResponse, include_in_schema=False)
def insights_page(
    request: Request, user: Researcher, insights: InsightsDep, catalogs: CatalogsDep, pages: PagesDep, lang: Lang = None
) -> Response:
    language = page_language(lang if lang in LANGUAGES else None, user.languages)
    data = insights.summary()

    def t(key: str, **params: Any) -> str:
        return catalogs.gettext("console." + key, language, **params)

    response: Response = pages.TemplateResponse(
        request,
        "console/insights.html",
        {
            "t": t,
            "ui_language": language,
            "languages": LANGUAGES,
            "strings": "{}",
            "user": user,
            "summary": data,
            "charts": {table.name: bars(table) for table in data.tables},
        },
    )
    response.headers.update(NO_STORE)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; frame-ancestors 'none'"
    return response
