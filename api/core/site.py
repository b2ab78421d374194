"""The applicant pages' shared header: links to every tool and to the same page in the other languages.

Issue #18 found `/` linking nowhere and articles with no way home, to other tools or to another
language. The home page, the articles and the pathway pages render `_site_nav.html` with this context;
language names are each language's own (widget.language_name), so "Tiếng Việt" reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.core.i18n import Catalogs
from knowledge_base.languages import LANGUAGES

# (catalog key of the link text, path); every link carries the page's language.
TOOLS = (
    ("site.home", "/"),
    ("pathways.title", "/pathways"),
    ("points.title", "/pathways/points"),
    ("nqf.title", "/nqf"),
    ("cases.title", "/case-studies"),
    ("advice.title", "/advice"),
    ("site.fce_apply", "/fce/apply"),
    ("site.fce_status", "/fce/status"),
)


def site_nav(catalogs: Catalogs, language: str, current: str, href: Callable[[str], str]) -> dict[str, Any]:
    """`current`: the path of this page (marked aria-current); `href(code)`: this page in language `code`."""
    return {
        "site_links": [
            (catalogs.gettext(key, language), f"{path}?lang={language}", path == current) for key, path in TOOLS
        ],
        "site_languages": [
            (code, catalogs.gettext("widget.language_name", code), href(code), code == language) for code in LANGUAGES
        ],
        "site_label": catalogs.gettext("site.nav_label", language),
        "site_languages_label": catalogs.gettext("site.languages_label", language),
    }
