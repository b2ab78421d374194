"""Anonymised aggregates over the tables the service already keeps, for researchers and admins.

Contract: every figure is a count of records grouped by coarse dimensions (month, language, channel,
topic, reason, country, credential, outcome), computed in the database; no message text, name, e-mail,
id or free-text field is ever selected. A cell with fewer than K_FLOOR records is not shown, exported or
summed anywhere (k-anonymity floor of 10, issue #17): the page and the CSV only say how many cells
were left out. No totals are published, because a total minus the shown cells would reveal a
suppressed cell. Medians of processing times are computed only over groups that pass the floor.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from api.advice.models import AdviceRequest
from api.advisors.models import Handoff
from api.conversations.models import Conversation
from api.core.clock import as_utc, utcnow
from api.db.session import Database
from api.fce.models import FceCase, FceCredential
from api.insights.schemas import InsightRow, InsightsSummary, InsightTable
from api.knowledge.models import Answer

K_FLOOR = 10
UNANSWERED = "(none)"
SECONDS_PER_DAY = 86_400
# What issue #17 asks for that no table records yet; said plainly rather than shown as zero.
NOT_RECORDED = ("self_check_results",)


def floor_cells(
    name: str, dimensions: Sequence[str], counts: Iterable[tuple[tuple[str, ...], int]], floor: int = K_FLOOR
) -> InsightTable:
    """The table with every cell under `floor` removed; cells sorted by their values for a stable order."""
    rows, suppressed = [], 0
    for values, count in sorted(counts):
        if count < floor:
            suppressed += 1
            continue
        rows.append(InsightRow(values=list(values), count=count))
    return InsightTable(name=name, dimensions=list(dimensions), rows=rows, suppressed_cells=suppressed)


class InsightsService:
    def __init__(self, db: Database, floor: int = K_FLOOR) -> None:
        self.db = db
        self.floor = floor

    def summary(self) -> InsightsSummary:
        with self.db.session() as session:
            month = self._month_of(session)
            tables = [
                self._grouped(session, "questions_by_topic", ["topic"], [func.coalesce(Answer.topic_id, UNANSWERED)]),
                self._grouped(
                    session, "questions_by_language", ["month", "language"], [month(Answer.created_at), Answer.language]
                ),
                self._grouped(
                    session,
                    "questions_by_channel",
                    ["month", "channel"],
                    [month(Answer.created_at), Conversation.channel],
                    join=True,
                ),
                self._grouped(
                    session,
                    "unanswered_topics",
                    ["nearest_topic"],
                    [func.coalesce(Answer.topic_id, UNANSWERED)],
                    where=[Answer.confident.is_(False)],
                ),
                self._handoffs(session),
                self._advice(session),
                self._advice_outcomes(session),
                self._fce_outcomes(session),
                self._fce_processing(session),
            ]
        return InsightsSummary(
            generated_at=utcnow(), k_floor=self.floor, tables=tables, not_recorded=list(NOT_RECORDED)
        )

    @staticmethod
    def _month_of(session: Session) -> Any:
        """YYYY-MM of a timestamp, in the database's own dialect (SQLite in dev, PostgreSQL in production)."""
        if session.get_bind().dialect.name == "postgresql":
            return lambda column: func.to_char(column, "YYYY-MM")
        return lambda column: func.strftime("%Y-%m", column)

    def _grouped(
        self,
        session: Session,
        name: str,
        dimensions: list[str],
        columns: list[Any],
        where: list[ColumnElement[bool]] | None = None,
        join: bool = False,
    ) -> InsightTable:
        query = select(*columns, func.count()).select_from(Answer)
        if join:
            query = query.join(Conversation, Conversation.id == Answer.conversation_id)
        for condition in where or []:
            query = query.where(condition)
        query = query.group_by(*columns)
        counts = [(tuple(str(v) for v in row[:-1]), int(row[-1])) for row in session.execute(query)]
        return floor_cells(name, dimensions, counts, self.floor)

    def _handoffs(self, session: Session) -> InsightTable:
        columns = [Handoff.reason, Handoff.language]
        query = select(*columns, func.count()).group_by(*columns)
        counts = [((str(row[0]), str(row[1])), int(row[2])) for row in session.execute(query)]
        return floor_cells("handoff_reasons", ["reason", "language"], counts, self.floor)

    def _advice(self, session: Session) -> InsightTable:
        field = func.coalesce(AdviceRequest.goal_field, "-")
        columns = [AdviceRequest.goal_status, field, AdviceRequest.language]
        query = select(*columns, func.count()).group_by(*columns)
        counts = [((str(row[0]), str(row[1]), str(row[2])), int(row[3])) for row in session.execute(query)]
        return floor_cells("advice_requests_by_goal", ["goal", "field", "language"], counts, self.floor)

    def _advice_outcomes(self, session: Session) -> InsightTable:
        """Closed advice cases by goal and the outcome their advisor recorded (a fixed list)."""
        query = (
            select(AdviceRequest.goal_status, AdviceRequest.outcome, func.count())
            .where(AdviceRequest.outcome.is_not(None))
            .group_by(AdviceRequest.goal_status, AdviceRequest.outcome)
        )
        counts = [((str(goal), str(outcome)), int(count)) for goal, outcome, count in session.execute(query).tuples()]
        return floor_cells("advice_outcomes_by_goal", ["goal", "outcome"], counts, self.floor)

    def _fce_outcomes(self, session: Session) -> InsightTable:
        # A case's outcome is its status (evaluated, closed, …); the credential is the catalogue id the
        # applicant chose, or "(other)" for a free-text one, whose text is never read here.
        credential = func.coalesce(FceCredential.credential_id, "(other)")
        columns = [FceCredential.country, credential, FceCase.status]
        query = (
            select(*columns, func.count(func.distinct(FceCase.id)))
            .join(FceCase, FceCase.id == FceCredential.case_id)
            .group_by(*columns)
        )
        counts = [((str(row[0]), str(row[1]), str(row[2])), int(row[3])) for row in session.execute(query)]
        dimensions = ["country", "credential", "outcome"]
        return floor_cells("fce_cases_by_country_credential_outcome", dimensions, counts, self.floor)

    def _fce_processing(self, session: Session) -> InsightTable:
        """Days from the clock start (documents complete) to the evaluation, per country of the first credential."""
        query = (
            select(FceCredential.country, FceCase.clock_started_at, FceCase.evaluated_at)
            .join(FceCase, FceCase.id == FceCredential.case_id)
            .where(
                FceCredential.position == 0,
                FceCase.clock_started_at.is_not(None),
                FceCase.evaluated_at.is_not(None),
            )
        )
        days: dict[str, list[float]] = defaultdict(list)
        for country, started, evaluated in session.execute(query):
            if started is None or evaluated is None:
                continue
            days[str(country)].append((as_utc(evaluated) - as_utc(started)).total_seconds() / SECONDS_PER_DAY)
        table = floor_cells(
            "fce_processing_days_by_country",
            ["country"],
            Counter({(c,): len(v) for c, v in days.items()}).items(),
            self.floor,
        )
        for row in table.rows:
            row.median_days = round(statistics.median(days[row.values[0]]), 1)
        return table


def _cell(text: str) -> str:
    """A spreadsheet must not run a value as a formula (CSV injection): such values get a leading quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(summary: InsightsSummary) -> list[list[str]]:
    """The shown cells only, one line each: table, its dimensions, the cell's values, count, median days."""
    lines = [["table", "dimensions", "values", "count", "median_days", "suppressed_cells_in_table"]]
    for table in summary.tables:
        for row in table.rows:
            median = "" if row.median_days is None else f"{row.median_days}"
            lines.append(
                [
                    table.name,
                    "|".join(table.dimensions),
                    _cell("|".join(row.values)),
                    str(row.count),
                    median,
                    str(table.suppressed_cells),
                ]
            )
    return lines
