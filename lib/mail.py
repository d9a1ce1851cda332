"""E-mail in development: each message sent is kept as a file a person can read in the
browser (`/dev/surel/`, shown only when DEBUG is on), and printed to the console.

`make run` has no mail server; invitations and password resets still need to
reach someone. Django's file backend writes a whole batch into one file, and
its console backend is read only from a shell, so this backend writes one
`.eml` file per message into `ZI_DEV_MAIL_DIR` and `recent` reads the newest
back. Never used in production (SMTP there).
"""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone

KEEP = 200


class DevelopmentBackend(ConsoleBackend):
    """Console output, plus one .eml file per message in ZI_DEV_MAIL_DIR."""

    def send_messages(self, email_messages):
        folder = Path(settings.ZI_DEV_MAIL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            (folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml").write_bytes(
                message.message().as_bytes()
            )
        for old in sorted(folder.glob("*.eml"))[:-KEEP]:
            old.unlink(missing_ok=True)
        return super().send_messages(email_messages)


@dataclass(frozen=True)
class KeptMessage:
    name: str
    subject: str
    sender: str
    to: str
    date: str
    body: str


def recent(limit: int = 50) -> list[KeptMessage]:
    """The newest messages kept by `DevelopmentBackend`, newest first."""
    folder = Path(settings.ZI_DEV_MAIL_DIR)
    if not folder.is_dir():
        return []
    kept = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        kept.append(
            KeptMessage(
                name=path.stem,
                subject=str(message["subject"] or ""),
                sender=str(message["from"] or ""),
                to=str(message["to"] or ""),
                date=str(message["date"] or ""),
                body=part.get_content() if part is not None else "",
            )
        )
    return kept
