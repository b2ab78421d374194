"""Typed responses of GET /api/v1/insights/summary (issue #17): field names are the contract."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class InsightRow(BaseModel):
    """One shown cell: its values along the table's dimensions and how many records fall in it."""

    values: list[str]
    count: int
    # Median processing time in days, for tables that measure one (FCE by country).
    median_days: float | None = None


class InsightTable(BaseModel):
    name: str
    dimensions: list[str]
    rows: list[InsightRow]
    # Cells under the k-anonymity floor are left out entirely; only how many were left out is said.
    suppressed_cells: int


class InsightsSummary(BaseModel):
    generated_at: datetime
    k_floor: int
    tables: list[InsightTable]
    # Figures the issue asks for that this deployment does not record (so none can be shown).
    not_recorded: list[str]
