"""All records routes, for api.main to include once."""

from __future__ import annotations

from fastapi import APIRouter

from api.records import brought_routes, pages, routes, share_pages, share_routes

router = APIRouter()
router.include_router(routes.router)
router.include_router(pages.router)
router.include_router(brought_routes.router)
router.include_router(share_routes.router)
router.include_router(share_pages.router)
