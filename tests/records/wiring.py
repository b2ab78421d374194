"""Installs FCE settings and a records service with its own issuer key on an app built by hand (the
browser tests' served app, the hostile-world app), wired as the composition root wires them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.service import CaseService
from api.records import keys
from api.records.config import RecordsSettings
from api.records.hooks import console_credentials, issue_after_evaluation
from api.records.issuing import RecordsService


def install_records(services: Any, fce_settings: FceSettings, key_dir: Path, base: str, **limits: int) -> None:
    data = load_comparability(fce_settings.comparability_dir)
    keys.ensure_key(key_dir)
    records = RecordsService(services.db, RecordsSettings(key_dir=key_dir, **limits), services.catalogs, data, base)
    services.records = records
    services.fce = dataclasses.replace(
        services.fce,
        settings=fce_settings,
        data=data,
        cases=CaseService(services.db, fce_settings),
        on_evaluated=lambda reference: issue_after_evaluation(records, reference),
        case_credentials=lambda reference: console_credentials(records, reference),
    )
