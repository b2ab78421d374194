"""Telling applicants that their case changed: in the chat they applied from, and by e-mail when SMTP is set.

Runs after the change has committed (a background task of the request). A failed notice is logged
and dropped: the change itself stands, and the status page shows it either way. Logs name the case
reference and the error's kind only, never an address, a name or message text.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from api.conversations.responses import Reply
from api.core.i18n import Catalogs
from api.fce.config import MailSettings
from api.fce.mail import MailConfigError, send_mail
from api.fce.models import FceCase, FceCaseEvent
from api.fce.workflow import Status

log = logging.getLogger(__name__)


class SystemMessages(Protocol):
    """The one call the conversation service offers for api-originated notices (it also reaches LINE and Telegram)."""

    def store_system_message(self, conversation_id: str, language: str, reply: Reply) -> None: ...


@dataclass(frozen=True)
class StatusNotice:
    reference: str
    status: str
    closed_reason: str | None
    language: str
    conversation_id: str | None
    email: str | None
    message: str | None  # the evaluator's words to the applicant, if any


def notice_for(case: FceCase, event: FceCaseEvent) -> StatusNotice:
    return StatusNotice(
        reference=case.reference,
        status=event.to_status,
        closed_reason=case.closed_reason,
        language=case.language,
        conversation_id=case.conversation_id,
        email=case.email,
        message=event.message,
    )


class Notifier:
    def __init__(
        self,
        catalogs: Catalogs,
        conversations: SystemMessages,
        mail: MailSettings,
        public_base_url: str,
        send: Callable[[MailSettings, str, str, str], None] = send_mail,
        hand_to_people: Callable[[str, dict[str, Any]], object] | None = None,
    ) -> None:
        self.catalogs = catalogs
        self.conversations = conversations
        self.mail = mail
        self.public_base_url = public_base_url.rstrip("/")
        self.send = send
        # An evaluator's question is a person talking: the applicant's answer must reach people, not
        # the bot, so the conversation is handed to the advisors' queue (api/advisors).
        self.hand_to_people = hand_to_people

    def text(self, notice: StatusNotice) -> str:
        language = notice.language
        key = notice.status
        if notice.status == Status.CLOSED:
            key = f"closed_{notice.closed_reason or 'rejected'}"
        parts = [self.catalogs.gettext(f"fce.notify.{key}", language, reference=notice.reference)]
        if notice.message:
            parts.append(self.catalogs.gettext("fce.notify.message", language, message=notice.message))
            if self._asks_applicant(notice):
                parts.append(self.catalogs.gettext("fce.notify.reply_here", language))
        url = f"{self.public_base_url}/fce/status?lang={language}"
        parts.append(self.catalogs.gettext("fce.notify.status_link", language, url=url))
        return "\n\n".join(parts)

    def _asks_applicant(self, notice: StatusNotice) -> bool:
        """The evaluator wrote to an applicant whose case is still open (a closing reason is an
        explanation, not a question) in a chat that can carry the answer back."""
        return bool(
            notice.message
            and notice.conversation_id
            and self.hand_to_people is not None
            and notice.status not in (Status.EVALUATED, Status.CLOSED)
        )

    def deliver(self, notice: StatusNotice) -> None:
        text = self.text(notice)
        if notice.conversation_id:
            try:
                self.conversations.store_system_message(notice.conversation_id, notice.language, Reply(text=text))
                if self._asks_applicant(notice) and self.hand_to_people is not None:
                    self.hand_to_people(
                        notice.conversation_id, {"fce_reference": notice.reference, "fce_status": notice.status}
                    )
            except Exception as error:  # noqa: BLE001 - the change is committed; a lost notice must not undo it
                log.warning("fce notice to chat failed: case=%s error=%s", notice.reference, type(error).__name__)
        if notice.email and self.mail.enabled:
            subject = self.catalogs.gettext("fce.mail.subject", notice.language, reference=notice.reference)
            body = f"{text}\n\n{self.catalogs.gettext('fce.mail.footer', notice.language)}\n"
            try:
                self.send(self.mail, notice.email, subject, body)
            except (smtplib.SMTPException, OSError, MailConfigError) as error:
                # SMTP replies can quote the recipient's address, so only the kind and code are logged.
                code = getattr(error, "smtp_code", "")
                log.warning(
                    "fce e-mail notice failed: case=%s error=%s %s", notice.reference, type(error).__name__, code
                )


def follow_up(notice: StatusNotice, notifier: Notifier, issue_statement: Callable[[str], object]) -> None:
    """After a change has committed: issue the statement of an evaluated case, then tell the applicant.

    The statement comes first so that "your statement is ready" is true when it arrives. If it cannot
    be rendered (fonts missing), the applicant is still told; a download renders it once fixed.
    """
    if notice.status == Status.EVALUATED:
        try:
            issue_statement(notice.reference)
        except Exception as error:  # noqa: BLE001 - logged for operators; the evaluation itself stands
            log.error("fce statement not issued: case=%s error=%s: %s", notice.reference, type(error).__name__, error)
    notifier.deliver(notice)
