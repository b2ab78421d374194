"""Routes for credential evaluation (issue: foreign credential evaluation)."""

from __future__ import annotations

from fastapi import APIRouter

from api.fce.web import actions_api, applicant_api, apply_page, console_pages, evaluator_api, preview_api, status_page

router = APIRouter(tags=["fce"])
router.include_router(preview_api.router)
router.include_router(applicant_api.router)
router.include_router(actions_api.router)
router.include_router(apply_page.router)
router.include_router(status_page.router)
router.include_router(evaluator_api.router)
router.include_router(console_pages.router)
