"""Sending one plain-text e-mail over SMTP (smtplib, standard library only)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from api.fce.config import MailSettings


class MailConfigError(ValueError):
    pass


def send_mail(settings: MailSettings, to: str, subject: str, body: str) -> None:
    """Deliver or raise (smtplib.SMTPException, OSError, MailConfigError); the caller decides what failing means."""
    url = urlsplit(settings.url)
    if url.scheme not in ("smtp", "smtps") or not url.hostname:
        raise MailConfigError("SMTP_URL must look like smtp://host:port or smtps://host:port")
    message = EmailMessage()
    message["From"] = settings.from_
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.from_.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies should not answer
    message.set_content(body, charset="utf-8")
    timeout = settings.timeout_seconds
    context = ssl.create_default_context()
    if url.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(url.hostname, url.port or 25, timeout=timeout)
    with client:
        client.ehlo()
        if url.scheme == "smtp" and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(message)
