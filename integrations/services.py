"""Writes of `integrations`: a person's tokens and calendar feeds (their own only).

A new token or feed address is returned once, in full, for the page to show;
only its SHA-256 digest is stored.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.models import (
    FEED_PREFIX,
    TOKEN_PREFIX,
    AccessToken,
    CalendarFeed,
    digest,
    new_secret,
)

MAX_TOKEN_DAYS = 366


def _own(user, by) -> None:
    if by is not None and by.pk != user.pk:
        raise PermissionDenied


@transaction.atomic
def token_create(
    *, user, name: str, read_only: bool = True, days: int | None = None, by
) -> tuple[AccessToken, str]:
    """A new personal access token; returns the row and the secret (shown once)."""
    _own(user, by)
    days = settings.ZI_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            _("Masa berlaku token 1 sampai %(max)d hari.") % {"max": MAX_TOKEN_DAYS}
        )
    secret = new_secret(TOKEN_PREFIX)
    token = AccessToken(
        user=user,
        name=name.strip(),
        prefix=secret[:10],
        digest=digest(secret),
        read_only=read_only,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, token: AccessToken, by) -> None:
    _own(token.user, by)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


@transaction.atomic
def feed_create(*, user, by) -> tuple[CalendarFeed, str]:
    """A new private feed address; any earlier address of the person stops working."""
    _own(user, by)
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    secret = new_secret(FEED_PREFIX)
    feed = CalendarFeed.objects.create(user=user, digest=digest(secret))
    return feed, secret


@transaction.atomic
def feed_revoke(*, user, by) -> int:
    _own(user, by)
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
