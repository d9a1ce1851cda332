"""Chat channels (Telegram, WhatsApp, any Apprise service) and what was sent through them.

An administrator configures each channel once as an Apprise URL, with
`{recipient}` where each person's own address goes (`tgram://BOT_TOKEN/{recipient}`
takes a Telegram chat id, `whatsapp://TOKEN@FROM_PHONE_ID/{recipient}` a phone
number); each person chooses on their preference page which channels they
want and gives their address there. Every message to a person on a channel
is a `Delivery`, sent by a background task with retries, and kept as the
record of what was sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

RECIPIENT = "{recipient}"


class Channel(models.Model):
    name = models.CharField(_("nama"), max_length=80, unique=True)
    url = EncryptedTextField(
        _("alamat Apprise"),
        help_text=_(
            "Satu string konfigurasi Apprise, dengan {recipient} di tempat alamat tiap orang, "
            "misalnya tgram://TOKEN_BOT/{recipient} atau whatsapp://TOKEN@ID_NOMOR_PENGIRIM/{recipient}. "
            "Disimpan terenkripsi."
        ),
    )
    recipient_label = models.CharField(
        _("nama alamat penerima"),
        max_length=80,
        blank=True,
        help_text=_('Yang diisi tiap orang, misalnya "Chat ID Telegram" atau "Nomor WhatsApp".'),
    )
    recipient_help = models.CharField(_("petunjuk untuk penerima"), max_length=255, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("kanal pesan")
        verbose_name_plural = _("kanal pesan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_recipient(self) -> bool:
        return RECIPIENT in (self.url or "")

    def address_for(self, recipient: str) -> str:
        """The Apprise URL for one person (secret: never shown or logged)."""
        return self.url.replace(RECIPIENT, recipient.strip())


class Subscription(models.Model):
    """A person's choice to get messages on a channel, at their own address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="channel_subscriptions",
        verbose_name=_("pengguna"),
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("kanal")
    )
    recipient = models.CharField(_("alamat penerima"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("langganan kanal")
        verbose_name_plural = _("langganan kanal")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel"], name="subscription_once_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.channel}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "antre", _("Dalam antrean")
    RETRYING = "diulang", _("Gagal, akan dicoba lagi")
    SENT = "terkirim", _("Terkirim")
    FAILED = "gagal", _("Gagal")


class Delivery(models.Model):
    """One message to one person on one channel: what was sent, when, and how it went."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="channel_deliveries",
        verbose_name=_("penerima"),
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("kanal")
    )
    subject = models.CharField(_("judul"), max_length=255)
    body = models.TextField(_("isi"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman pesan")
        verbose_name_plural = _("pengiriman pesan")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.user}: {self.subject}"
