"""Advice cases: store a request with its learning path, open it with reference + access code, book
an advisor's slot, remind the applicant once before the session, and let advisors keep notes,
follow-ups and an outcome.

- The learning path comes from the JQF data (api/advice/path.py) in the request's language, with the
  /nqf field and up to three case studies that resemble the person (api/pathways/cases.py).
- A retried request with the same Idempotency-Key returns the first one (and its access code, sealed
  with that key as the FCE does); codes are stored as argon2id hashes, checks share the FCE's
  per-IP budget and per-reference lockout tables (api/fce/guards.py).
- Booking is one conditional UPDATE on the slot (`request_id IS NULL`): of two concurrent bookings
  exactly one wins, the other gets SlotTaken (409). Rebooking releases the old slot in the same
  transaction; cancelling frees it.
- Reminders: a scheduled job (like the privacy purge) claims each booking whose session starts within
  `reminder_hours` once (`reminded_at`), then sends in the request's language through the channel it
  came from: the chat (stored as a system message, which the outbox delivers) or, for web requests,
  e-mail when SMTP is configured (the FCE's SMTP_URL); without either the status page still shows it.
- Staff actions (slots, opening a case, notes, outcomes) are audited in the same transaction.
Nothing here logs the request's content; the note and e-mail are shown to advisors only.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.advice.config import AdviceSettings
from api.advice.models import AdviceNote, AdviceRequest, AdviceSlot
from api.advice.path import learning_path
from api.advice.schemas import (
    AdviceCaseOut,
    AdviceRequestIn,
    AdviceRequestOut,
    AdviceRequestView,
    AdviceStatusOut,
    BookingOut,
    CaseStudyLink,
    FreeSlot,
    NoteIn,
    NoteOut,
    PathStep,
    SlotOut,
)
from api.auth.audit import audit
from api.auth.models import User
from api.conversations.models import Conversation
from api.conversations.service import ConversationNotFound
from api.core.clock import as_utc, utcnow
from api.core.i18n import Catalogs
from api.core.periodic import Periodic
from api.db.session import Database
from api.fce import access, guards
from api.fce.config import MailSettings
from api.fce.mail import MailConfigError, send_mail
from api.pathways.cases import similar_to

log = logging.getLogger(__name__)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LIST_LIMIT = 200
_KEY_DOMAIN = b"kakehashi/advice/idempotency-key\x00"


class AdviceNotFound(Exception):
    """No such request, or a wrong access code (the two are answered alike)."""


class SlotTaken(Exception):
    """The slot is booked by someone else, past, or gone."""


class SlotBusy(Exception):
    """An advisor tried to withdraw a slot an applicant holds, or to publish a slot twice."""


@dataclass(frozen=True)
class Reminder:
    reference: str
    language: str
    channel: str
    conversation_id: str | None
    email: str | None
    text: str


def _reference() -> str:
    return "ADV-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _key_hash(key: str) -> str:
    return hashlib.sha256(_KEY_DOMAIN + key.encode()).hexdigest()


def local_time(moment: datetime, zone: str | None) -> datetime:
    return as_utc(moment).astimezone(ZoneInfo(zone or "UTC"))


def local_label(moment: datetime, zone: str | None) -> str:
    """The session's time on the person's clock, with the zone named so nobody guesses."""
    local = local_time(moment, zone)
    return f"{local:%Y-%m-%d %H:%M} ({zone or 'UTC'}, UTC{local:%z})"


class AdviceService:
    def __init__(
        self,
        db: Database,
        catalogs: Catalogs,
        settings: AdviceSettings | None = None,
        mail: MailSettings | None = None,
        send: Callable[[MailSettings, str, str, str], None] = send_mail,
        to_chat: Callable[[str, str, str], None] | None = None,
        public_base_url: str = "",
    ) -> None:
        self.db = db
        self.catalogs = catalogs
        self.settings = settings or AdviceSettings()
        self.mail = mail or MailSettings()
        self.send = send
        # (conversation id, language, text): the conversation service's system message, set by the root.
        self.to_chat = to_chat
        self.public_base_url = public_base_url.rstrip("/")
        # The reminder job, every `reminder_interval_seconds` (0: never).
        self._schedule = Periodic("advice reminders", self.settings.reminder_interval_seconds, self.send_reminders)

    # -- the applicant ---------------------------------------------------------------------------

    def create(
        self, request: AdviceRequestIn, channel: str, idempotency_key: str | None, conversation_id: str | None = None
    ) -> tuple[AdviceRequestOut, bool]:
        """The stored request and whether it is new (False: the same Idempotency-Key was seen before)."""
        key_hash = _key_hash(idempotency_key) if idempotency_key else None
        if key_hash is not None and idempotency_key is not None:
            existing = self._by_key(key_hash, idempotency_key)
            if existing is not None:
                return existing, False
        field, steps = learning_path(
            current_status=request.current_status,
            qualifications=request.qualifications,
            japanese_level=request.japanese_level,
            goal_status=request.goal_status,
            goal_field=request.goal_field,
            language=request.language,
            catalogs=self.catalogs,
        )
        code = access.new_access_code()
        row = AdviceRequest(
            reference=_reference(),
            idempotency_hash=key_hash,
            access_code_hash=access.hash_code(code),
            sealed_code=access.seal_code(code, idempotency_key) if idempotency_key else None,
            channel=channel,
            conversation_id=conversation_id,
            language=request.language,
            time_zone=request.time_zone,
            current_status=request.current_status,
            qualifications=request.qualifications,
            japanese_level=request.japanese_level,
            goal_status=request.goal_status,
            goal_field=request.goal_field or field,
            note=request.note,
            email=request.email,
            suggested_path=steps,
            consent_at=utcnow(),
        )
        try:
            with self.db.session() as session:
                session.add(row)
                session.flush()
                return self._out(row, code), True
        except IntegrityError:
            # Two retries raced with one key: the other one stored it first.
            if (
                key_hash is not None
                and idempotency_key is not None
                and (existing := self._by_key(key_hash, idempotency_key)) is not None
            ):
                return existing, False
            raise

    def create_from_chat(
        self, request: AdviceRequestIn, conversation_id: str, idempotency_key: str | None
    ) -> tuple[AdviceRequestOut, bool]:
        """A request made in a chat: its channel is the conversation's (widget, line, telegram)."""
        with self.db.session() as session:
            channel = session.scalar(select(Conversation.channel).where(Conversation.id == conversation_id))
        if channel is None:
            raise ConversationNotFound(conversation_id)
        return self.create(request, str(channel), idempotency_key, conversation_id)

    def of_conversation(self, conversation_id: str) -> int | None:
        """The latest request made in this chat (the chat is its contact, so it may follow it without
        the access code); None when it made none."""
        with self.db.session() as session:
            found = session.scalar(
                select(AdviceRequest.id)
                .where(AdviceRequest.conversation_id == conversation_id)
                .order_by(AdviceRequest.id.desc())
                .limit(1)
            )
        return int(found) if found is not None else None

    def _by_key(self, key_hash: str, key: str) -> AdviceRequestOut | None:
        with self.db.session() as session:
            row = session.scalars(select(AdviceRequest).where(AdviceRequest.idempotency_hash == key_hash)).first()
            if row is None:
                return None
            code = access.unseal_code(row.sealed_code, key) if row.sealed_code else None
            return self._out(row, code)

    def _out(self, row: AdviceRequest, code: str | None = None) -> AdviceRequestOut:
        language = row.language
        field = row.goal_field
        statuses = {row.goal_status, row.current_status}
        cases = similar_to(statuses, {field} if field else set(), language, self.catalogs)
        return AdviceRequestOut(
            reference=row.reference,
            state=row.state,
            suggested_path=[PathStep.model_validate(step) for step in row.suggested_path],
            created_at=row.created_at,
            access_code=code,
            field=field,
            nqf_url=f"/nqf?lang={language}" + (f"#field-{field}" if field else ""),
            case_studies=[
                CaseStudyLink(id=c.id, title=c.title, url=f"/case-studies?lang={language}#case-{c.id}") for c in cases
            ],
        )

    def open(self, reference: str, code: str, client: str) -> int:
        """The request's id for a right reference + code; AdviceNotFound otherwise, guards.Limited when
        this client is over its budget or locked out for this reference."""
        now = utcnow()
        settings = self.settings
        with self.db.session() as session:
            guards.take(
                session, f"advice-status:{client}", settings.ip_status_limit, settings.ip_status_window_seconds, now
            )
        with self.db.session() as session:
            wait = guards.lock_remaining(
                session,
                reference,
                client,
                now,
                settings.lockout_failures,
                settings.lockout_window_seconds,
                settings.lockout_seconds,
            )
            if wait:
                raise guards.Limited(wait)
            row = session.scalars(select(AdviceRequest).where(AdviceRequest.reference == reference.upper())).first()
            found = row.id if row is not None and access.verify_code(code, row.access_code_hash) else None
        if found is None:
            # In its own transaction: the error raised next must not roll the failure back.
            with self.db.session() as session:
                guards.record_failure(session, reference[:32], client, now)
            raise AdviceNotFound(reference)
        return found

    def status(self, request_id: int) -> AdviceStatusOut:
        with self.db.session() as session:
            row = session.get(AdviceRequest, request_id)
            if row is None:
                raise AdviceNotFound(str(request_id))
            return AdviceStatusOut(
                **self._out(row).model_dump(),
                language=row.language,
                goal_status=row.goal_status,
                time_zone=row.time_zone,
                booking=self._booking(session, row),
                outcome=row.outcome,
            )

    def free_slots(self, time_zone: str | None) -> list[FreeSlot]:
        now = utcnow()
        horizon = now + timedelta(days=self.settings.booking_horizon_days)
        with self.db.session() as session:
            slots = session.scalars(
                select(AdviceSlot)
                .where(AdviceSlot.request_id.is_(None), AdviceSlot.starts_at > now, AdviceSlot.starts_at <= horizon)
                .order_by(AdviceSlot.starts_at, AdviceSlot.id)
                .limit(LIST_LIMIT)
            ).all()
            return [
                FreeSlot(
                    id=s.id,
                    starts_at=as_utc(s.starts_at),
                    minutes=s.minutes,
                    local_start=local_time(s.starts_at, time_zone).isoformat(),
                )
                for s in slots
            ]

    def book(self, request_id: int, slot_id: int, time_zone: str | None) -> BookingOut:
        """Hold `slot_id` for the request (releasing any slot it held): SlotTaken when someone was first."""
        try:
            return self._book(request_id, slot_id, time_zone)
        except IntegrityError:
            # The same request booking two slots at once: the unique request_id lets one through.
            raise SlotTaken(str(slot_id)) from None

    def _book(self, request_id: int, slot_id: int, time_zone: str | None) -> BookingOut:
        now = utcnow()
        with self.db.session() as session:
            row = session.get(AdviceRequest, request_id)
            if row is None:
                raise AdviceNotFound(str(request_id))
            if row.state == "closed":
                raise SlotTaken("the case is closed")
            if time_zone is not None:
                row.time_zone = time_zone
            session.execute(
                update(AdviceSlot)
                .where(AdviceSlot.request_id == request_id, AdviceSlot.id != slot_id)
                .values(request_id=None, booked_at=None, reminded_at=None)
            )
            session.flush()
            claimed = session.execute(
                update(AdviceSlot)
                .where(AdviceSlot.id == slot_id, AdviceSlot.request_id.is_(None), AdviceSlot.starts_at > now)
                .values(request_id=request_id, booked_at=now, reminded_at=None)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                held = session.get(AdviceSlot, slot_id)
                if held is None or held.request_id != request_id:
                    raise SlotTaken(str(slot_id))
            row.state = "booked"
            session.flush()
            booking = self._booking(session, row)
            assert booking is not None
            return booking

    def cancel(self, request_id: int) -> bool:
        """Free the request's slot; False when it held none."""
        with self.db.session() as session:
            freed = session.execute(
                update(AdviceSlot)
                .where(AdviceSlot.request_id == request_id)
                .values(request_id=None, booked_at=None, reminded_at=None)
            )
            row = session.get(AdviceRequest, request_id)
            if row is not None and row.state == "booked":
                row.state = "new"
            return bool(freed.rowcount)  # type: ignore[attr-defined]

    def _booking(self, session: Session, row: AdviceRequest) -> BookingOut | None:
        slot = session.scalars(select(AdviceSlot).where(AdviceSlot.request_id == row.id)).first()
        if slot is None:
            return None
        advisor = session.get(User, slot.advisor_id)
        return BookingOut(
            slot_id=slot.id,
            starts_at=as_utc(slot.starts_at),
            minutes=slot.minutes,
            time_zone=row.time_zone or "UTC",
            local_start=local_time(slot.starts_at, row.time_zone).isoformat(),
            advisor=advisor.display_name if advisor else "",
        )

    # -- advisors --------------------------------------------------------------------------------

    def recent(self) -> list[AdviceRequestView]:
        with self.db.session() as session:
            rows = session.scalars(select(AdviceRequest).order_by(AdviceRequest.id.desc()).limit(LIST_LIMIT)).all()
            sessions = dict(
                session.execute(
                    select(AdviceSlot.request_id, AdviceSlot.starts_at).where(
                        AdviceSlot.request_id.in_([r.id for r in rows])
                    )
                )
                .tuples()
                .all()
            )
            return [self._view(row, sessions.get(row.id)) for row in rows]

    def _view(self, row: AdviceRequest, session_at: datetime | None) -> AdviceRequestView:
        return AdviceRequestView(
            **self._out(row).model_dump(),
            language=row.language,
            channel=row.channel,
            current_status=row.current_status,
            qualifications=row.qualifications,
            japanese_level=row.japanese_level,
            goal_status=row.goal_status,
            goal_field=row.goal_field,
            note=row.note,
            outcome=row.outcome,
            session_at=as_utc(session_at) if session_at else None,
        )

    def _row(self, session: Session, reference: str) -> AdviceRequest:
        row = session.scalars(select(AdviceRequest).where(AdviceRequest.reference == reference)).first()
        if row is None:
            raise AdviceNotFound(reference)
        return row

    def case(self, user: User, reference: str) -> AdviceCaseOut:
        """One case for its advisor; opening it shows the e-mail, so it is audited."""
        with self.db.session() as session:
            row = self._row(session, reference)
            audit(session, user.id, "advice.case_opened", detail={"reference": reference})
            booking = self._booking(session, row)
            notes = session.execute(
                select(AdviceNote, User.display_name)
                .outerjoin(User, User.id == AdviceNote.author_id)
                .where(AdviceNote.request_id == row.id)
                .order_by(AdviceNote.id)
            ).all()
            return AdviceCaseOut(
                **self._view(row, booking.starts_at if booking else None).model_dump(),
                email=row.email,
                time_zone=row.time_zone,
                booking=booking,
                notes=[
                    NoteOut(
                        id=n.id, text=n.text, follow_up_on=n.follow_up_on, author=name, created_at=as_utc(n.created_at)
                    )
                    for n, name in notes
                ],
            )

    def add_note(self, user: User, reference: str, note: NoteIn) -> NoteOut:
        with self.db.session() as session:
            row = self._row(session, reference)
            stored = AdviceNote(request_id=row.id, author_id=user.id, text=note.text, follow_up_on=note.follow_up_on)
            session.add(stored)
            session.flush()
            # The audit says a note was written (and whether it is a follow-up), never what it says.
            detail = {"reference": reference, "note_id": stored.id, "follow_up": note.follow_up_on is not None}
            audit(session, user.id, "advice.note_added", detail=detail)
            return NoteOut(
                id=stored.id,
                text=stored.text,
                follow_up_on=stored.follow_up_on,
                author=user.display_name,
                created_at=as_utc(stored.created_at),
            )

    def set_outcome(self, user: User, reference: str, outcome: str) -> AdviceRequestView:
        with self.db.session() as session:
            row = self._row(session, reference)
            previous = row.outcome
            row.outcome = outcome
            row.outcome_at = utcnow()
            row.state = "closed"
            # A closed case keeps no slot: the time goes back to other applicants.
            session.execute(
                update(AdviceSlot)
                .where(AdviceSlot.request_id == row.id, AdviceSlot.starts_at > utcnow())
                .values(request_id=None, booked_at=None, reminded_at=None)
            )
            audit(
                session,
                user.id,
                "advice.outcome_recorded",
                detail={"reference": reference, "outcome": outcome, "previous": previous},
            )
            session.flush()
            return self._view(row, None)

    def publish_slot(self, user: User, starts_at: datetime, minutes: int) -> SlotOut:
        if as_utc(starts_at) <= utcnow():
            raise SlotBusy("a slot must start in the future")
        try:
            with self.db.session() as session:
                slot = AdviceSlot(advisor_id=user.id, starts_at=as_utc(starts_at), minutes=minutes)
                session.add(slot)
                session.flush()
                audit(session, user.id, "advice.slot_published", detail={"slot_id": slot.id})
                return self._slot_out(slot, user.display_name, None)
        except IntegrityError:
            raise SlotBusy("you already published a slot at that time") from None

    def withdraw_slot(self, user: User, slot_id: int) -> None:
        with self.db.session() as session:
            slot = session.get(AdviceSlot, slot_id)
            if slot is None or (slot.advisor_id != user.id and user.role != "admin"):
                raise AdviceNotFound(f"slot {slot_id}")
            removed = session.execute(
                delete(AdviceSlot).where(AdviceSlot.id == slot_id, AdviceSlot.request_id.is_(None))
            )
            if not removed.rowcount:  # type: ignore[attr-defined]
                raise SlotBusy("an applicant has booked this slot; ask them to rebook first")
            audit(session, user.id, "advice.slot_withdrawn", detail={"slot_id": slot_id})

    def slots(self) -> list[SlotOut]:
        """Every advisor's slots from an hour ago on, with the reference holding each."""
        since = utcnow() - timedelta(hours=1)
        with self.db.session() as session:
            rows = session.execute(
                select(AdviceSlot, User.display_name, AdviceRequest.reference)
                .join(User, User.id == AdviceSlot.advisor_id)
                .outerjoin(AdviceRequest, AdviceRequest.id == AdviceSlot.request_id)
                .where(AdviceSlot.starts_at >= since)
                .order_by(AdviceSlot.starts_at, AdviceSlot.id)
                .limit(LIST_LIMIT)
            ).all()
            return [self._slot_out(slot, name, reference) for slot, name, reference in rows]

    @staticmethod
    def _slot_out(slot: AdviceSlot, advisor: str, reference: str | None) -> SlotOut:
        return SlotOut(
            id=slot.id,
            advisor_id=slot.advisor_id,
            advisor=advisor,
            starts_at=as_utc(slot.starts_at),
            minutes=slot.minutes,
            reference=reference,
            reminded_at=as_utc(slot.reminded_at) if slot.reminded_at else None,
        )

    def counts_by_goal(self) -> list[tuple[tuple[str, ...], int]]:
        """(goal status, goal field) counts for the insights; no free text, no contact."""
        counts: dict[tuple[str, ...], int] = {}
        with self.db.session() as session:
            for goal, field in session.execute(select(AdviceRequest.goal_status, AdviceRequest.goal_field)):
                key = (str(goal), str(field or "-"))
                counts[key] = counts.get(key, 0) + 1
        return list(counts.items())

    # -- reminders -------------------------------------------------------------------------------

    def due_reminders(self, now: datetime | None = None) -> list[Reminder]:
        """Claim every booking whose session starts within `reminder_hours` and was not reminded yet.

        The claim is a conditional UPDATE, so two api workers running the job never both send one.
        """
        now = now or utcnow()
        until = now + timedelta(hours=self.settings.reminder_hours)
        claimed: list[Reminder] = []
        with self.db.session() as session:
            candidates = session.execute(
                select(AdviceSlot, AdviceRequest)
                .join(AdviceRequest, AdviceRequest.id == AdviceSlot.request_id)
                .where(AdviceSlot.reminded_at.is_(None), AdviceSlot.starts_at > now, AdviceSlot.starts_at <= until)
            ).all()
            for slot, row in candidates:
                won = session.execute(
                    update(AdviceSlot)
                    .where(AdviceSlot.id == slot.id, AdviceSlot.reminded_at.is_(None), AdviceSlot.request_id == row.id)
                    .values(reminded_at=now)
                )
                if won.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(self._reminder(row, slot))
        return claimed

    def _reminder(self, row: AdviceRequest, slot: AdviceSlot) -> Reminder:
        language = row.language
        url = f"{self.public_base_url}/advice/status?lang={language}"
        text = self.catalogs.gettext(
            "advice.reminder.text",
            language,
            reference=row.reference,
            time=local_label(slot.starts_at, row.time_zone),
            minutes=slot.minutes,
            url=url,
        )
        return Reminder(row.reference, language, row.channel, row.conversation_id, row.email, text)

    def deliver(self, reminder: Reminder) -> str:
        """Send one reminder through the request's channel; returns how ("chat", "email" or "none")."""
        if reminder.conversation_id and self.to_chat is not None:
            try:
                self.to_chat(reminder.conversation_id, reminder.language, reminder.text)
                return "chat"
            except Exception as error:  # noqa: BLE001 - one lost reminder must not stop the others
                log.warning(
                    "advice reminder to chat failed: case=%s error=%s", reminder.reference, type(error).__name__
                )
                return "none"
        if reminder.email and self.mail.enabled:
            subject = self.catalogs.gettext("advice.reminder.subject", reminder.language, reference=reminder.reference)
            try:
                self.send(self.mail, reminder.email, subject, reminder.text + "\n")
                return "email"
            except (smtplib.SMTPException, OSError, MailConfigError) as error:
                log.warning("advice reminder e-mail failed: case=%s error=%s", reminder.reference, type(error).__name__)
        return "none"

    def send_reminders(self, now: datetime | None = None) -> dict[str, int]:
        """One run of the reminder job: how many went out by each channel."""
        sent: dict[str, int] = {}
        for reminder in self.due_reminders(now):
            how = self.deliver(reminder)
            sent[how] = sent.get(how, 0) + 1
        return sent

    def start(self) -> None:
        self._schedule.start()

    async def stop(self) -> None:
        await self._schedule.stop()
