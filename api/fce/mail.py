"""Sending one plain-text e-mail over SMTP (smtplib, standard library only).

Mail to applicants carries their case and name, so it never crosses a network in clear: smtp://
requires the server to offer STARTTLS and refuses (before any login or message) when it does not.
The one exception is a relay on the loopback interface (a local MTA that does the TLS itself),
where nothing leaves the host in clear.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from api.fce.config import MailSettings


class MailConfigError(ValueError):
    pass


class InsecureTransport(smtplib.SMTPException):
    """The server did not offer STARTTLS: nothing was sent and no password was given."""


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
        if url.scheme == "smtp":
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif not _loopback(url.hostname):
                raise InsecureTransport(f"{url.hostname} offers no STARTTLS; refusing to send or log in in clear")
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(message)
