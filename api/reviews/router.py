"""The review feature's routes: the editors' JSON API and the console pages."""

from __future__ import annotations

from fastapi import APIRouter

from api.reviews import console_pages, editor_api

router = APIRouter()
router.include_router(editor_api.router)
router.include_router(console_pages.router)
