"""The evaluator's work on a case: the case file, evaluations, internal notes, and the issued statement.

Every change is audited in its own transaction (api.auth.audit). Status changes go through
CaseService.transition, which the internal endpoint shares, so the workflow rules live in one place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.audit import audit
from api.auth.models import User
from api.core.clock import in_japan
from api.core.i18n import Catalogs
from api.fce import statement as statement_pdf
from api.fce.comparability import ComparabilityData
from api.fce.evaluator_schemas import EvaluationIn
from api.fce.models import FceCase, FceEvaluation, FceNote, FceStatement
from api.fce.service import CaseService, iso
from api.fce.workflow import TRANSITIONS, Status

# Evaluations are drafted while the file is complete and frozen once the case is evaluated.
EDITABLE = frozenset({Status.DOCUMENTS_RECEIVED, Status.UNDER_EVALUATION})


class NotEditable(Exception):
    pass


class UnknownCredential(Exception):
    pass


class NotEvaluated(Exception):
    pass


@dataclass(frozen=True)
class IssuedStatement:
    reference: str
    pdf: bytes
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.reference}-statement.pdf"


def evaluation_dict(evaluation: FceEvaluation, position: int) -> dict[str, Any]:
    return {
        "credential": position,
        "japan_equivalent": evaluation.japan_equivalent,
        "isced_level": evaluation.isced_level,
        "jqf_level": evaluation.jqf_level,
        "field": evaluation.field,
        "substantial_differences": list(evaluation.substantial_differences or []),
        "remarks": evaluation.remarks,
        "evaluator_id": evaluation.evaluator_id,
        "updated_at": iso(evaluation.updated_at),
    }


class EvaluationService:
    def __init__(
        self,
        cases: CaseService,
        data: ComparabilityData,
        catalogs: Catalogs,
        font_dirs: Sequence[Path],
        seals: Callable[[int], tuple[Any, ...]] | None = None,
        issuer: statement_pdf.Issuer | None = None,
    ) -> None:
        self.issuer = issuer or statement_pdf.Issuer()
        # seals(case_id): the signed credentials the statement carries (api.records.hooks).
        self.seals = seals
        self.cases = cases
        self.db = cases.db
        self.data = data
        self.catalogs = catalogs
        self.font_dirs = font_dirs

    # -- reading -------------------------------------------------------------------------------------

    def case_file(self, reference: str) -> dict[str, Any]:
        """Everything the case page shows: detail, preview per credential, evaluations, notes, statement."""
        with self.db.session() as session:
            case = self.cases.load(session, reference)
            body = self.cases.detail(case)
            positions = {c.id: c.position for c in case.credentials}
            body["evaluations"] = {
                str(positions[e.credential_id]): evaluation_dict(e, positions[e.credential_id])
                for e in case.evaluations
            }
            body["previews"] = [self._preview(c.country, c.credential_id) for c in case.credentials]
            notes = session.scalars(select(FceNote).where(FceNote.case_id == case.id).order_by(FceNote.id)).all()
            names = self._names(session, [n.author_id for n in notes], [e["actor"] for e in body["timeline"]])
            body["notes"] = [
                {"id": n.id, "author": names.get(n.author_id, ""), "text": n.text, "at": iso(n.created_at)}
                for n in notes
            ]
            for entry in body["timeline"]:
                entry["actor_name"] = names.get(_user_id(entry["actor"]), entry["actor"])
            issued = session.scalar(select(FceStatement.sha256).where(FceStatement.case_id == case.id))
            body["statement"] = {"issued": issued is not None, "sha256": issued}
            body["allowed"] = sorted(target.value for target in TRANSITIONS[Status(case.status)])
            body["editable"] = Status(case.status) in EDITABLE
            return body

    def _preview(self, country: str, credential_id: str | None) -> dict[str, Any] | None:
        """What the comparability data suggests for a listed credential (the evaluator's starting point)."""
        found = self.data.find(country, credential_id) if credential_id else None
        if found is None:
            return None
        return {
            "japan_equivalent": found.japan_equivalent,
            "isced_level": found.isced_level,
            "jqf_level": found.jqf_level,
            "typical_duration_years": found.typical_duration_years,
            "confidence": found.confidence,
            "notes": found.notes,
            "sources": list(found.sources),
            "names": found.names.as_dict(),
            "original_name": found.names.original,
        }

    @staticmethod
    def _names(session: Session, ids: list[int | None], actors: list[str]) -> dict[int | None, str]:
        wanted = {i for i in ids if i is not None} | {i for i in map(_user_id, actors) if i is not None}
        if not wanted:
            return {}
        rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all()
        return {int(row.id): str(row.display_name) for row in rows}

    # -- changing ------------------------------------------------------------------------------------

    def record_evaluation(self, user: User, reference: str, body: EvaluationIn) -> dict[str, Any]:
        """Create or replace one credential's evaluation. Raises CaseNotFound, NotEditable, UnknownCredential."""
        now = self.cases.clock()
        with self.db.session() as session:
            case = self.cases.load(session, reference, for_update=True)
            if Status(case.status) not in EDITABLE:
                raise NotEditable(case.status)
            credential = next((c for c in case.credentials if c.position == body.credential), None)
            if credential is None:
                raise UnknownCredential(body.credential)
            evaluation = next((e for e in case.evaluations if e.credential_id == credential.id), None)
            if evaluation is None:
                evaluation = FceEvaluation(case_id=case.id, credential_id=credential.id, created_at=now)
                case.evaluations.append(evaluation)
            evaluation.japan_equivalent = body.japan_equivalent
            evaluation.isced_level = body.isced_level
            evaluation.jqf_level = body.jqf_level
            evaluation.field = body.field
            evaluation.substantial_differences = [d.model_dump() for d in body.substantial_differences]
            evaluation.remarks = body.remarks
            evaluation.evaluator_id = user.id
            evaluation.updated_at = now
            case.updated_at = now
            session.flush()
            audit(
                session,
                user.id,
                "fce.evaluation",
                detail={"reference": case.reference, "credential": body.credential},
            )
            return evaluation_dict(evaluation, credential.position)

    def add_note(self, user: User, reference: str, text: str) -> dict[str, Any]:
        now = self.cases.clock()
        with self.db.session() as session:
            case = self.cases.load(session, reference)
            note = FceNote(case_id=case.id, author_id=user.id, text=text, created_at=now)
            session.add(note)
            session.flush()
            # The note's text stays out of the audit log, like advisors' notes.
            audit(session, user.id, "fce.note", detail={"reference": case.reference, "note_id": note.id})
            return {"id": note.id, "author": user.display_name, "text": note.text, "at": iso(note.created_at)}

    def audit_access(self, user: User, reference: str, what: str, item: int | None = None) -> None:
        """Opening a case file, a document or a statement is recorded: all hold personal data."""
        with self.db.session() as session:
            detail: dict[str, Any] = {"reference": reference}
            if item is not None:
                detail["document_id"] = item
            audit(session, user.id, what, detail=detail)

    # -- the statement -------------------------------------------------------------------------------

    def statement(self, reference: str | None = None, case_id: int | None = None) -> IssuedStatement:
        """The issued statement, rendering and storing it on first use.

        Raises CaseNotFound, NotEvaluated, fonts.FontMissing or statement.UncoveredText.
        """
        with self.db.session() as session:
            case = self._case(session, reference, case_id)
            if case.status != Status.EVALUATED:
                raise NotEvaluated(case.reference)
            stored = session.get(FceStatement, case.id)
            if stored is not None:
                return IssuedStatement(case.reference, stored.pdf, stored.sha256)
            content = self._content(session, case)
            case_key, evaluated_at = case.id, case.evaluated_at
        if self.seals is not None:
            content = replace(content, seals=self.seals(case_key))
        # Rendered outside any transaction: font loading and shaping take a few hundred milliseconds.
        pdf = statement_pdf.render(content, self.catalogs, self.font_dirs)
        digest = hashlib.sha256(pdf).hexdigest()
        languages = ",".join(statement_pdf.statement_languages(content.language))
        try:
            with self.db.session() as session:
                session.add(
                    FceStatement(case_id=case_key, pdf=pdf, sha256=digest, languages=languages, issued_at=evaluated_at)
                )
        except IntegrityError:
            # Issued by a parallel request a moment ago: that one is the statement.
            with self.db.session() as session:
                stored = session.get_one(FceStatement, case_key)
                return IssuedStatement(content.reference, stored.pdf, stored.sha256)
        return IssuedStatement(content.reference, pdf, digest)

    def _case(self, session: Session, reference: str | None, case_id: int | None) -> FceCase:
        if reference is not None:
            return self.cases.load(session, reference)
        assert case_id is not None
        case = session.get_one(FceCase, case_id)
        return self.cases.load(session, case.reference)

    def _content(self, session: Session, case: FceCase) -> statement_pdf.StatementContent:
        ids = sorted({e.evaluator_id for e in case.evaluations if e.evaluator_id is not None})
        names = session.scalars(select(User.display_name).where(User.id.in_(ids))).all() if ids else []
        return replace(statement_content(case, self.data), evaluators=tuple(names), issuer=self.issuer)

    def result(self, case_id: int) -> statement_pdf.StatementContent | None:
        """What an evaluated case says (the status page shows it); None before it is evaluated."""
        with self.db.session() as session:
            case = self._case(session, None, case_id)
            if case.status != Status.EVALUATED:
                return None
            return statement_content(case, self.data)


def statement_content(case: FceCase, data: ComparabilityData) -> statement_pdf.StatementContent:
    """What an evaluated case says, for the statement PDF and the signed credential (api.records) alike."""
    by_credential = {e.credential_id: e for e in case.evaluations}
    findings = []
    for credential in case.credentials:
        evaluation = by_credential[credential.id]
        listed = data.find(credential.country, credential.credential_id) if credential.credential_id else None
        findings.append(
            statement_pdf.Finding(
                country=credential.country,
                names=listed.names.as_dict() if listed else None,
                free_name=credential.credential_name,
                institution=credential.institution,
                field_of_study=credential.field_of_study,
                start_year=credential.start_year,
                end_year=credential.end_year,
                japan_equivalent=evaluation.japan_equivalent,
                isced_level=evaluation.isced_level,
                jqf_level=evaluation.jqf_level,
                field=evaluation.field,
                differences=tuple(
                    statement_pdf.Difference(d["difference"], d["reason"])
                    for d in evaluation.substantial_differences or []
                ),
                remarks=evaluation.remarks,
            )
        )
    assert case.evaluated_at is not None
    return statement_pdf.StatementContent(
        reference=case.reference,
        applicant_name=case.applicant_name,
        language=case.language,
        # The date printed is Japan's: the service and its office hours are in Asia/Tokyo.
        issued_on=in_japan(case.evaluated_at),
        findings=tuple(findings),
    )


def actor_for(user: User) -> str:
    """How a logged-in user appears as a case event's actor; the console shows the display name."""
    return f"user:{user.id}"


def _user_id(actor: str) -> int | None:
    kind, _, number = actor.partition(":")
    return int(number) if kind == "user" and number.isdigit() else None
