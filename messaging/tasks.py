"""Sending one message through Apprise, as a background task with retries."""

from __future__ import annotations

import datetime
import logging

import apprise
from django.conf import settings
from django.utils import timezone
from django_tasks import default_task_backend, task

from messaging.models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)


def retry_delays() -> list[int]:
    """Seconds to wait before each further try (settings.ZI_MESSAGE_RETRY_SECONDS)."""
    return list(settings.ZI_MESSAGE_RETRY_SECONDS)


def enqueue(delivery_id: int, *, delay: int = 0) -> None:
    """Queue a delivery; with a delay where the task backend can defer (the database worker)."""
    if delay and default_task_backend.supports_defer:
        send_delivery.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue(
            delivery_id
        )
    else:
        send_delivery.enqueue(delivery_id)


@task()
def send_delivery(delivery_id: int) -> dict:
    """Send one delivery; on failure try again later, up to the configured number of tries."""
    delivery = Delivery.objects.select_related("channel", "user").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        return {"delivery": delivery_id, "status": delivery.status if delivery else "missing"}
    subscription = delivery.user.channel_subscriptions.filter(channel=delivery.channel).first()
    recipient = subscription.recipient if subscription else ""
    delivery.attempts += 1
    error = ""
    if not delivery.channel.is_active:
        error = "kanal tidak aktif"
    elif subscription is None:
        error = "penerima berhenti berlangganan kanal ini"
    else:
        notifier = apprise.Apprise()
        if not notifier.add(delivery.channel.address_for(recipient)):
            error = "alamat Apprise kanal tidak dapat dipakai"
        elif not notifier.notify(title=delivery.subject, body=delivery.body):
            error = "layanan kanal menolak atau tidak dapat dihubungi"
    if not error:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        return {"delivery": delivery_id, "status": delivery.status}
    delays = retry_delays()
    delivery.last_error = error
    retry = delivery.attempts <= len(delays) and error != "penerima berhenti berlangganan kanal ini"
    delivery.status = DeliveryStatus.RETRYING if retry else DeliveryStatus.FAILED
    delivery.save(update_fields=["status", "attempts", "last_error"])
    logger.warning(
        "message %s to %s on %s failed (try %d): %s",
        delivery.pk,
        delivery.user_id,
        delivery.channel,
        delivery.attempts,
        error,
    )
    if retry:
        enqueue(delivery.pk, delay=delays[delivery.attempts - 1])
    return {"delivery": delivery_id, "status": delivery.status}
