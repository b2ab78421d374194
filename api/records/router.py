"""All records routes, for api.main to include once."""

from __future__ import annotations

from fastapi import APIRouter

from api.records import pages, routes

router = APIRouter()
router.include_router(routes.router)
router.include_router(pages.router)
