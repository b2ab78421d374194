"""Insights for policy research (issue #17 item 4): anonymised aggregates, read-only."""
