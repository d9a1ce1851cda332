"""Writes of `messaging`: channels (administrators), a person's subscriptions, and sending.

`send` is what the rest of the product calls (change_areas.notifications): it
records one Delivery per subscribed person and channel and queues each after
the transaction commits, so a rolled-back step never messages anyone.
Channels are installation settings: `channel_save` takes `by` and refuses
anyone but a superuser; a person's subscriptions are their own.
"""

from __future__ import annotations

from collections.abc import Iterable

import apprise
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from messaging import tasks
from messaging.models import RECIPIENT, Channel, Delivery, Subscription

SAMPLE_RECIPIENT = "0000000000"
MAX_BODY = 3500  # WhatsApp and Telegram cut long messages; the link matters most


def check_apprise_url(url: str) -> None:
    """Raise ValidationError unless Apprise understands the URL (with a sample recipient)."""
    if not apprise.Apprise.instantiate(url.replace(RECIPIENT, SAMPLE_RECIPIENT)):
        raise ValidationError(
            _("Apprise tidak mengenali alamat ini. Periksa skema dan isinya (lihat README).")
        )


@transaction.atomic
def channel_save(*, channel: Channel | None = None, by, **fields) -> Channel:
    if by is not None and not by.is_superuser:
        raise PermissionDenied
    channel = channel or Channel()
    if not fields.get("url"):
        fields.pop("url", None)  # left blank on the form: keep the stored secret
    for name, value in fields.items():
        setattr(channel, name, value)
    if not channel.url:
        raise ValidationError({"url": _("Alamat Apprise wajib diisi.")})
    check_apprise_url(channel.url)
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def subscription_set(*, user, channel: Channel, recipient: str, by) -> Subscription | None:
    """Subscribe the person to the channel at `recipient`, or unsubscribe when it is blank."""
    if by is not None and by.pk != user.pk:
        raise PermissionDenied
    recipient = recipient.strip()
    if not recipient and channel.needs_recipient:
        Subscription.objects.filter(user=user, channel=channel).delete()
        return None
    if recipient and not apprise.Apprise.instantiate(channel.address_for(recipient)):
        raise ValidationError(_("Alamat penerima ini tidak dapat dipakai oleh kanal ini."))
    subscription, _created = Subscription.objects.update_or_create(
        user=user, channel=channel, defaults={"recipient": recipient}
    )
    return subscription


@transaction.atomic
def subscription_remove(*, user, channel: Channel, by) -> None:
    if by is not None and by.pk != user.pk:
        raise PermissionDenied
    Subscription.objects.filter(user=user, channel=channel).delete()


def send(users: Iterable, *, subject: str, message: str, link: str = "") -> list[Delivery]:
    """Record and queue a message to every given person on each channel they subscribed to."""
    ids = [user.pk for user in users]
    if not ids:
        return []
    body = message if len(message) <= MAX_BODY else message[: MAX_BODY - 1] + "…"
    if link:
        body = f"{body}\n\n{link}"
    subscriptions = Subscription.objects.filter(
        user_id__in=ids, channel__is_active=True
    ).select_related("channel")
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(user_id=s.user_id, channel=s.channel, subject=subject[:255], body=body)
            for s in subscriptions
        ]
    )
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: tasks.enqueue(pk))
    return deliveries
