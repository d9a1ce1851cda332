"""What an instansi plugs in: its sign-in provider, personal access tokens for the REST
API, and private calendar feeds.

Secrets given to people (tokens, feed addresses) are shown once and kept only as a
SHA-256 digest: they are long random strings, so a digest is enough to find them
and useless to whoever reads the database. The provider's client secret must be
sent back to the provider, so it is kept encrypted (django-fernet-encrypted-fields).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField
from simple_history.models import HistoricalRecords

TOKEN_PREFIX = "zit_"
FEED_PREFIX = "zic_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


class IdentityProvider(models.Model):
    """An OpenID Connect provider people may sign in with (the instansi's SSO)."""

    slug = models.SlugField(
        _("kode"),
        max_length=40,
        unique=True,
        help_text=_("Dipakai di alamat masuk: /masuk/sso/<kode>/."),
    )
    name = models.CharField(
        _("nama pada tombol masuk"), max_length=80, help_text=_('Misalnya "SSO Kementerian".')
    )
    issuer = models.URLField(
        _("issuer"),
        help_text=_(
            "Alamat penerbit OpenID Connect; konfigurasinya dibaca dari "
            "<issuer>/.well-known/openid-configuration saat disimpan."
        ),
    )
    client_id = models.CharField(_("client ID"), max_length=255)
    client_secret = EncryptedCharField(_("client secret"), max_length=500, null=True, blank=True)
    scopes = models.CharField(_("scope"), max_length=255, default="openid email profile")
    nip_claim = models.CharField(
        _("klaim NIP"),
        max_length=80,
        blank=True,
        default="nip",
        help_text=_(
            "Nama klaim yang memuat NIP (18 angka). Kosongkan bila penyedia tidak mengirim NIP."
        ),
    )
    match_email = models.BooleanField(
        _("cocokkan dengan surel"),
        default=True,
        help_text=_(
            "Bila tidak ada NIP yang cocok, cocokkan akun dengan surel yang sudah diverifikasi penyedia."
        ),
    )
    authorization_endpoint = models.URLField(_("authorization endpoint"), blank=True)
    token_endpoint = models.URLField(_("token endpoint"), blank=True)
    userinfo_endpoint = models.URLField(_("userinfo endpoint"), blank=True)
    jwks_uri = models.URLField(_("JWKS URI"), blank=True)
    signing_algorithm = models.CharField(
        _("algoritme tanda tangan"), max_length=10, default="RS256"
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["client_secret"])

    class Meta:
        verbose_name = _("penyedia SSO")
        verbose_name_plural = _("penyedia SSO")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccessTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class AccessToken(models.Model):
    """A personal access token for the REST API: it acts as its person, with their roles
    at the time of each call, or only reads when `read_only`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_tokens",
        verbose_name=_("pemilik"),
    )
    name = models.CharField(_("nama"), max_length=100, help_text=_("Untuk apa token ini dipakai."))
    prefix = models.CharField(_("awalan"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(
        _("hanya membaca"),
        default=True,
        help_text=_("Token hanya-baca tidak dapat mengubah apa pun."),
    )
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token akses API")
        verbose_name_plural = _("token akses API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Throttling keys on this: one bucket per token, never the secret itself.
        return f"token:{self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class CalendarFeed(models.Model):
    """A person's private ICS address of their deadlines; revoking it closes the address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("pemilik"),
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dibaca"), null=True, blank=True)

    class Meta:
        verbose_name = _("umpan kalender")
        verbose_name_plural = _("umpan kalender")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
