"""Outgoing mail: SMTP when configured, else the log and instance/outbox/."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale


def build_message(*, to: str, subject: str, body: str) -> EmailMessage:
    """Build a plain-text email from the site's sender."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="agora.invalid")
    message.set_content(body)
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def _write_to_outbox(message: EmailMessage) -> Path:
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = message["Message-ID"].strip("<>").split("@")[0]
    path = outbox / f"{stamp}.eml"
    path.write_bytes(bytes(message))
    return path


def send_mail(*, to: str, subject: str, body: str) -> None:
    """Send one email, or keep it in the outbox when no SMTP server is set."""
    message = build_message(to=to, subject=subject, body=body)
    if current_app.config["MAIL_SERVER"]:
        _send_smtp(message)
        return
    path = _write_to_outbox(message)
    current_app.logger.info(
        "Mail to %s (%s) written to %s:\n%s", to, subject, path, body
    )


def send_template_mail(
    *, to: str, locale: str | None, template: str, **context
) -> None:
    """Render templates/mail/<template>.txt in the recipient's language and send it.

    The template's first line is the subject; the rest is the body.
    """
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    send_mail(to=to, subject=subject.strip(), body=body.strip() + "\n")
