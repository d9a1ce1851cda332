"""Secrets kept in the database, encrypted at rest (Fernet, from `cryptography`).

The encryption key comes from the environment: `ZI_KEY_ENCRYPTION_KEY` when it is
set, else the installation's `SECRET_KEY` (so a development install needs
nothing). Either is stretched to a Fernet key with SHA-256 and a purpose, so one
secret never serves two uses as the same key. Changing the secret makes what was
stored unreadable: `decrypt` then raises `Undecryptable`, and the page that needs
the secret asks for it again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class Undecryptable(Exception):
    """Stored with another encryption key (the secret changed) or damaged."""


def _fernet(purpose: str) -> Fernet:
    secret = getattr(settings, "ZI_KEY_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"zi-tracker:{purpose}:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(data: bytes, *, purpose: str) -> bytes:
    return _fernet(purpose).encrypt(data)


def decrypt(token: bytes, *, purpose: str) -> bytes:
    try:
        return _fernet(purpose).decrypt(bytes(token))
    except InvalidToken:
        raise Undecryptable from None
