"""Routes for credential evaluation (issue: foreign credential evaluation)."""

from __future__ import annotations

from fastapi import APIRouter

from api.fce import cases, internal, pages, preview

router = APIRouter(tags=["fce"])
router.include_router(preview.router)
router.include_router(cases.router)
router.include_router(internal.router)
router.include_router(pages.router)
