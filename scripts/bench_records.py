"""Verifiable-records bench: issuing time per credential, verification p50/p95 (status lists fetched
and checked every time, and with them cached), and the verify page's weight.

    .venv/bin/python scripts/bench_records.py [CREDENTIALS]    # default 50

Runs the real app on a fresh SQLite file with a temporary issuer key. Figures are printed, never
asserted: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import dataclasses
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.auth.users import create_user
from api.channels.config import ChannelSettings
from api.core.config import REPO_ROOT, Settings
from api.fce.config import FceSettings
from api.fce.evaluations import EvaluationService
from api.fce.evaluator_schemas import EvaluationIn
from api.fce.schemas import TransitionRequest, WebApplication
from api.fce.workflow import Status
from api.main import create_app
from api.records import local
from api.records.models import RecordCredential
from api.records.verify import StatusCache
from tests.fce.conftest import application
from tests.records.wiring import install_records


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = Settings(
            database_url=f"sqlite:///{folder / 'bench.db'}",
            knowledge_enabled=False,
            channel_workers=False,
            public_base_url="http://testserver",
            locales_dir=REPO_ROOT / "locales",
        )
        channels = ChannelSettings(_env_file=None, platforms={})  # type: ignore[call-arg]
        app = create_app(settings, channel_settings=channels)
        with TestClient(app) as client:
            services = app.state.services
            # The records service and its issuer key as the browser tests wire them (tests/records/wiring.py).
            install_records(services, FceSettings(documents_dir=folder / "docs"), folder / "keys", "http://testserver")
            # Issued below, one at a time and timed, not by the evaluation's hook.
            services.fce = dataclasses.replace(services.fce, on_evaluated=lambda reference: None)
            fce, records = services.fce, services.records
            evaluation = EvaluationIn(
                credential=0, japan_equivalent="gakushi", isced_level=6, jqf_level=6, field="Computer science"
            )
            evaluations = EvaluationService(fce.cases, fce.data, services.catalogs, fce.settings.font_dirs)
            with services.db.session() as session:
                user = create_user(
                    session, email="bench@example.org", password=secrets.token_urlsafe(16), role="evaluator"
                )
            case_ids = []
            for _ in range(args.count):
                created = fce.cases.create_case(WebApplication(**application()), email=None)
                for step in (Status.DOCUMENTS_RECEIVED, Status.UNDER_EVALUATION):
                    fce.cases.transition(created.reference, TransitionRequest(to=step, actor="bench"))
                evaluations.record_evaluation(user, created.reference, evaluation)
                fce.cases.transition(created.reference, TransitionRequest(to=Status.EVALUATED, actor="bench"))
                case_ids.append(created.reference)
            issue_times, tokens = [], []
            for reference in case_ids:
                started = time.perf_counter()
                issued = records.issue(reference=reference)
                issue_times.append(time.perf_counter() - started)
                tokens.append(issued[0].token)
            mean = statistics.mean(issue_times) * 1000
            print(f"issue: {args.count} credentials, mean {mean:.2f} ms, p95 {pct(issue_times, 0.95):.2f} ms")
            for label, cache in (
                ("status lists fetched and verified each time", StatusCache(0)),
                ("status lists cached", StatusCache(300)),
            ):
                verifier = local.verifier(records, cache)
                times = []
                for token in tokens * 2:
                    started = time.perf_counter()
                    assert verifier.verify(token).result == "valid"
                    times.append(time.perf_counter() - started)
                print(
                    f"verify ({label}): p50 {pct(times, 0.5):.2f} ms, p95 {pct(times, 0.95):.2f} ms over {len(times)}"
                )
            with services.db.session() as session:
                vid = session.scalars(select(RecordCredential.verify_id)).first()
            page = client.get(f"/v/{vid}?lang=vi")
            css = client.get("/static/fce.css")
            print(f"verify page: {len(page.content)} bytes HTML + {len(css.content)} bytes CSS, no scripts, no images")
            form = client.get("/verify?lang=ja")
            print(f"verify form page: {len(form.content)} bytes HTML")


if __name__ == "__main__":
    main()
