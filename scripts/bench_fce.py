"""Credential-evaluation bench: create N cases through the service layer on a fresh SQLite file, then
print p95 latencies of the evaluator's filtered case list and of an applicant's status lookup.

    .venv/bin/python scripts/bench_fce.py            # 10,000 cases
    .venv/bin/python scripts/bench_fce.py 100000     # or FCE_BENCH_CASES=100000

Figures are printed, never asserted: these machines are shared and noisy. Every case gets the same
access code, hashed once with the real argon2 parameters, so creating 100,000 cases does not mean
100,000 argon2 runs; each status lookup still verifies a real argon2 hash, as production does.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from api.db.migrate import upgrade
from api.db.session import Database
from api.fce import access
from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.feature import Fce
from api.fce.schemas import CredentialIn, WebApplication
from api.fce.service import CaseService
from api.fce.web.evaluator_api import case_list
from api.fce.workflow import Status
from knowledge_base.languages import LANGUAGES

DEFAULT_CASES = int(os.environ.get("FCE_BENCH_CASES", "10000"))
QUERIES = 200
LOOKUPS = 100
CODE = "BNCH-BNCH-BNCH"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("the case count must be at least 1")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="?", type=positive, default=DEFAULT_CASES, help="cases to create (10,000)")
    cases = parser.parse_args().cases
    rng = random.Random(7)  # noqa: S311 - a fixed seed makes runs comparable; nothing secret here
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        db = Database(url)
        settings = FceSettings(documents_dir=Path(folder) / "docs")
        data = load_comparability(settings.comparability_dir)
        code_hash = access.hash_code(CODE)
        service = CaseService(db, settings, code_hasher=lambda _code: code_hash)
        countries = sorted(data.countries)

        start = time.perf_counter()
        references = []
        for index in range(cases):
            country = data.countries[countries[index % len(countries)]]
            credential = country.credentials[index % len(country.credentials)]
            application = WebApplication(
                name=f"Applicant {index}",
                email=f"applicant{index}@example.com",
                preferred_language=LANGUAGES[index % len(LANGUAGES)],  # type: ignore[arg-type]
                residence_country=country.country,
                purpose="employment",
                credentials=[
                    CredentialIn(
                        country=country.country,
                        credential_id=credential.id,
                        institution="University",
                        field_of_study="Engineering",
                        start_year=2015,
                        end_year=2019,
                        language_of_instruction="English",
                    )
                ],
                documents="all" if index % 10 else "none",
                consent=True,
            )
            references.append(service.create_case(application, email=application.email).reference)
        created = time.perf_counter() - start
        # Spread statuses and ages so filters select realistic fractions (data set-up, not measured).
        statuses = [status.value for status in Status]
        with db.engine.begin() as connection:
            for position, status in enumerate(statuses):
                connection.execute(
                    text("UPDATE fce_cases SET status = :status WHERE id % :n = :k"),
                    {"status": status, "n": len(statuses), "k": position},
                )
            connection.execute(
                text("UPDATE fce_cases SET created_at = datetime(created_at, '-' || (id % 730) || ' days')")
            )
            connection.execute(text("ANALYZE"))

        fce = Fce(settings, data, service)

        def filtered_list() -> None:
            # What GET /api/v1/evaluator/cases runs after authentication (list, count, ages).
            case_list(
                fce,
                Status(rng.choice(statuses)),
                rng.choice(countries),
                rng.choice([None, 30, 365]),
                rng.randint(1, 3),
                50,
            )

        def status_lookup() -> None:
            case_id, _language = service.authenticate(rng.choice(references), CODE)
            service.status_view(case_id)

        def status_view_only() -> None:
            service.status_view(rng.randint(1, cases))

        list_samples = timed(filtered_list, QUERIES)
        lookup_samples = timed(status_lookup, LOOKUPS)
        view_samples = timed(status_view_only, QUERIES)
        size_mb = os.path.getsize(f"{folder}/bench.db") / 1e6
        db.dispose()

    each = created / cases * 1000
    print(f"cases created through CaseService.create_case: {cases:,} in {created:.1f}s ({each:.2f} ms each)")
    print(f"database file: {size_mb:.1f} MB (SQLite)")
    print(f"filtered case list (status + country + age, page of 50): p95 {p95(list_samples):.1f} ms over {QUERIES}")
    print(f"status lookup (lock check, argon2 verify, timeline): p95 {p95(lookup_samples):.1f} ms over {LOOKUPS}")
    print(f"  of which database only (timeline query): p95 {p95(view_samples):.2f} ms over {QUERIES}")


if __name__ == "__main__":
    main()
