"""Routes for /nqf, /pathways and their APIs (issue: visa pathway self-check)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pathways"])
