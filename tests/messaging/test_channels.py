"""Messages where people read them: Apprise posts to a real local HTTP endpoint (its json://
scheme), from the background task, with retries and a record of what was sent."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from change_areas import services as change_area_services
from messaging import services
from messaging.models import Channel, Delivery, DeliveryStatus


class Webhook:
    """A tiny HTTP server on a free local port that records what is posted to it."""

    def __init__(self, failures: int = 0) -> None:
        self.received: list[dict] = []
        self.failures = failures
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if webhook.failures > 0:
                    webhook.failures -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                webhook.received.append({"path": self.path, "body": json.loads(body)})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    server = Webhook()
    yield server
    server.close()


@pytest.fixture
def channel(webhook, db):
    return Channel.objects.create(
        name="Obrolan kantor",
        url=f"json://127.0.0.1:{webhook.port}/pesan/{{recipient}}",
        recipient_label="ID obrolan",
    )


def test_a_notification_reaches_a_local_webhook_through_apprise(
    webhook, channel, filled_cycle, coordinator, tpi_reviewer, django_capture_on_commit_callbacks
):
    services.subscription_set(
        user=tpi_reviewer, channel=channel, recipient="tpi-42", by=tpi_reviewer
    )
    with django_capture_on_commit_callbacks(execute=True):
        change_area_services.cycle_submit(cycle=filled_cycle, by=coordinator)
    assert len(webhook.received) == 1
    message = webhook.received[0]
    assert message["path"] == "/pesan/tpi-42"
    assert message["body"]["title"].startswith("[ZI Tracker]")
    assert "/siklus/" in message["body"]["message"]
    delivery = Delivery.objects.get(user=tpi_reviewer)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.sent_at is not None
    assert not Delivery.objects.exclude(user=tpi_reviewer).exists()  # nobody else subscribed


def test_a_failed_message_is_tried_again_and_recorded(channel, coordinator, webhook):
    webhook.failures = 2
    services.subscription_set(user=coordinator, channel=channel, recipient="k", by=coordinator)
    [delivery] = services.send([coordinator], subject="Pengingat", message="Tenggat besok")
    from messaging import tasks

    tasks.enqueue(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    assert len(webhook.received) == 1
    assert webhook.received[0]["body"]["message"] == "Tenggat besok"


def test_a_message_that_keeps_failing_is_marked_failed_after_the_last_try(
    channel, coordinator, webhook, settings
):
    webhook.failures = 10
    services.subscription_set(user=coordinator, channel=channel, recipient="k", by=coordinator)
    [delivery] = services.send([coordinator], subject="Pengingat", message="x")
    from messaging import tasks

    tasks.enqueue(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(settings.ZI_MESSAGE_RETRY_SECONDS) + 1
    assert delivery.last_error
    assert webhook.received == []


def test_nothing_is_sent_when_the_step_rolls_back(channel, coordinator, webhook):
    from django.db import transaction

    services.subscription_set(user=coordinator, channel=channel, recipient="k", by=coordinator)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send([coordinator], subject="x", message="y")
        raise RuntimeError
    assert not Delivery.objects.exists()
    assert webhook.received == []


def test_a_channel_url_apprise_does_not_know_is_refused(superuser):
    with pytest.raises(ValidationError):
        services.channel_save(by=superuser, name="Rusak", url="nonsense://{recipient}")
    assert not Channel.objects.exists()


def test_only_a_superuser_configures_channels(client_for, coordinator, superuser, webhook):
    url = reverse("messaging:channel_create")
    data = {
        "name": "Webhook",
        "url": f"json://127.0.0.1:{webhook.port}/{{recipient}}",
        "is_active": "on",
    }
    assert client_for(coordinator).post(url, data).status_code == 403
    response = client_for(superuser).post(url, data)
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert channel.url.startswith("json://")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT url FROM messaging_channel")
        stored = cursor.fetchone()[0]
    assert "json://" not in stored  # encrypted at rest
    page = client_for(superuser).get(reverse("messaging:channel_edit", kwargs={"pk": channel.pk}))
    assert "json://" not in page.content.decode()  # never shown back
    client_for(superuser).post(
        reverse("messaging:channel_edit", kwargs={"pk": channel.pk}),
        {"name": "Webhook kantor", "url": "", "is_active": "on"},
    )
    channel.refresh_from_db()
    assert channel.name == "Webhook kantor" and channel.url.startswith("json://")


def test_a_person_chooses_a_channel_on_their_page_and_sends_a_test(
    client_for, channel, staff, webhook, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    page = client.get(reverse("messaging:preferences"))
    assert "Obrolan kantor" in page.content.decode()
    client.post(reverse("messaging:preferences"), {"channel": channel.pk, "recipient": "staf-1"})
    assert staff.channel_subscriptions.get().recipient == "staf-1"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("messaging:preferences"), {"channel": channel.pk, "action": "test"})
    assert webhook.received[0]["path"] == "/pesan/staf-1"
    page = client.get(reverse("messaging:preferences")).content.decode()
    assert "Pesan uji ZI Tracker" in page and "Terkirim" in page
    client.post(reverse("messaging:preferences"), {"channel": channel.pk, "action": "remove"})
    assert not staff.channel_subscriptions.exists()


def test_the_record_of_deliveries_costs_the_same_for_one_or_many(
    client_for, channel, staff, django_assert_num_queries
):
    services.subscription_set(user=staff, channel=channel, recipient="s", by=staff)
    client = client_for(staff)
    Delivery.objects.create(user=staff, channel=channel, subject="a", body="b")
    client.get(reverse("messaging:preferences"))
    with django_assert_num_queries(6):
        client.get(reverse("messaging:preferences"))
    Delivery.objects.bulk_create(
        [Delivery(user=staff, channel=channel, subject=f"s{i}", body="b") for i in range(15)]
    )
    with django_assert_num_queries(6):
        client.get(reverse("messaging:preferences"))
