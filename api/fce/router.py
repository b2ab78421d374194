"""Routes for credential evaluation (issue: foreign credential evaluation)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["fce"])
