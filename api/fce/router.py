"""Routes for credential evaluation (issue: foreign credential evaluation)."""

from __future__ import annotations

from fastapi import APIRouter

from api.fce import cases, console_pages, evaluator_api, internal, pages, preview, status_page

router = APIRouter(tags=["fce"])
router.include_router(preview.router)
router.include_router(cases.router)
router.include_router(internal.router)
router.include_router(pages.router)
router.include_router(status_page.router)
router.include_router(evaluator_api.router)
router.include_router(console_pages.router)
