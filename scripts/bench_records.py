"""Verifiable-records bench: issuing time per credential, verification p50/p95 (status lists fetched
and checked every time, and with them cached), and the verify page's weight.

    .venv/bin/python scripts/bench_records.py [CREDENTIALS]    # default 50

Runs the real app on a fresh SQLite file with a temporary issuer key. Figures are printed, never
asserted: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.auth.users import create_user
from api.channels.config import ChannelSettings
from api.core.config import REPO_ROOT, Settings
from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.evaluations import EvaluationService
from api.fce.evaluator_schemas import EvaluationIn
from api.fce.feature import Fce
from api.fce.schemas import TransitionRequest, WebApplication
from api.fce.service import CaseService
from api.fce.workflow import Status
from api.main import create_app
from api.records import keys, local
from api.records.config import RecordsSettings
from api.records.hooks import records_for
from api.records.models import RecordCredential
from api.records.verify import StatusCache

APPLICATION: dict[str, Any] = {
    "name": "Nguyễn Văn An",
    "email": "an@example.com",
    "preferred_language": "vi",
    "residence_country": "VN",
    "nationality": "VN",
    "purpose": "employment",
    "credentials": [
        {
            "country": "VN",
            "credential_id": "vn_bachelor",
            "institution": "Đại học Bách khoa Hà Nội",
            "field_of_study": "Computer science",
            "start_year": 2016,
            "end_year": 2020,
            "language_of_instruction": "Vietnamese",
        }
    ],
    "documents": "all",
    "consent": True,
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        keys.ensure_key(folder / "keys")
        settings = Settings(
            database_url=f"sqlite:///{folder / 'bench.db'}",
            knowledge_enabled=False,
            channel_workers=False,
            public_base_url="http://testserver",
            locales_dir=REPO_ROOT / "locales",
        )
        channels = ChannelSettings(_env_file=None, line_channel_secret="", telegram_bot_token="")  # type: ignore[call-arg]
        app = create_app(settings, channel_settings=channels)
        with TestClient(app) as client:
            fce_settings = FceSettings(documents_dir=folder / "docs")
            # One fixed hash instead of argon2 per case: the bench measures records, not access codes.
            service = CaseService(app.state.db, fce_settings, code_hasher=lambda code: "bench")
            app.state.fce = Fce(fce_settings, load_comparability(fce_settings.comparability_dir), service)
            records = records_for(app)
            records.settings = RecordsSettings(key_dir=folder / "keys")
            evaluation = EvaluationIn(
                credential=0, japan_equivalent="gakushi", isced_level=6, jqf_level=6, field="Computer science"
            )
            evaluations = EvaluationService(service, app.state.fce.data, app.state.catalogs, fce_settings.font_dirs)
            with app.state.db.session() as session:
                user = create_user(
                    session, email="bench@example.org", password=secrets.token_urlsafe(16), role="evaluator"
                )
            case_ids = []
            for _ in range(args.count):
                created = service.create_case(WebApplication(**APPLICATION), email=None)
                for step in (Status.DOCUMENTS_RECEIVED, Status.UNDER_EVALUATION):
                    service.transition(created.reference, TransitionRequest(to=step, actor="bench"))
                evaluations.record_evaluation(user, created.reference, evaluation)
                service.transition(created.reference, TransitionRequest(to=Status.EVALUATED, actor="bench"))
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
            with app.state.db.session() as session:
                vid = session.scalars(select(RecordCredential.verify_id)).first()
            page = client.get(f"/v/{vid}?lang=vi")
            css = client.get("/static/fce.css")
            print(f"verify page: {len(page.content)} bytes HTML + {len(css.content)} bytes CSS, no scripts, no images")
            form = client.get("/verify?lang=ja")
            print(f"verify form page: {len(form.content)} bytes HTML")


if __name__ == "__main__":
    main()
