"""Single sign-on with the instansi's OpenID Connect provider (mozilla-django-oidc).

Why mozilla-django-oidc and not django-allauth: we need exactly one thing, the
authorisation-code flow against one or a few providers, with people matched to
accounts that already exist. mozilla-django-oidc is one authentication backend
and two views with hooks for that (`filter_users_by_claims`, no account
creation with OIDC_CREATE_USER=False); our sign-in page, django-axes and the
TOTP second factor stay as they are. allauth would bring a second account
system (its own sign-in and sign-up views, e-mail address models, templates)
beside ours, and it stores client secrets in plain text.

mozilla-django-oidc reads one provider from settings; here providers are rows an
administrator edits in the application (`IdentityProvider`), plus optionally one
from environment variables. The sign-in view puts the chosen provider's slug in
the session, and the backend and views read that provider's endpoints, found by
OpenID Connect discovery from its issuer, instead of settings.

People are matched by the NIP claim, else by a verified e-mail address — never
by a display name — and only to an active account; a person with no account
(or two) is told so and not signed in. The TOTP second factor is for local
passwords: the provider authenticates its own people.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from integrations.models import IdentityProvider
from lib.middleware import SECOND_FACTOR_SESSION_KEY
from lib.view_permissions import public

logger = logging.getLogger(__name__)

PROVIDER_SESSION_KEY = "zi_sso_provider"
ERROR_SESSION_KEY = "zi_sso_error"
SETTINGS_SLUG = "instansi"
DISCOVERY_CACHE_SECONDS = 3600


class DiscoveryError(Exception):
    pass


def discover(issuer: str) -> dict[str, str]:
    """The provider's endpoints from <issuer>/.well-known/openid-configuration."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DiscoveryError(
            _("Konfigurasi OpenID Connect tidak dapat dibaca dari %(url)s: %(error)s")
            % {"url": url, "error": error}
        ) from None
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise DiscoveryError(
            _("Issuer pada konfigurasi penyedia (%(found)s) tidak sama dengan %(issuer)s.")
            % {"found": document.get("issuer"), "issuer": issuer}
        )
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not document.get(key)
    ]
    if missing:
        raise DiscoveryError(
            _("Konfigurasi penyedia tidak memuat %(keys)s.") % {"keys": ", ".join(missing)}
        )
    algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return {
        "authorization_endpoint": document["authorization_endpoint"],
        "token_endpoint": document["token_endpoint"],
        "userinfo_endpoint": document.get("userinfo_endpoint", ""),
        "jwks_uri": document["jwks_uri"],
        "signing_algorithm": "RS256" if "RS256" in algorithms else algorithms[0],
    }


def settings_provider() -> IdentityProvider | None:
    """The provider configured by environment variables, if any (not stored; endpoints cached)."""
    if not (settings.ZI_OIDC_ISSUER and settings.ZI_OIDC_CLIENT_ID):
        return None
    provider = IdentityProvider(
        slug=SETTINGS_SLUG,
        name=settings.ZI_OIDC_NAME,
        issuer=settings.ZI_OIDC_ISSUER,
        client_id=settings.ZI_OIDC_CLIENT_ID,
        client_secret=settings.ZI_OIDC_CLIENT_SECRET,
        scopes=settings.ZI_OIDC_SCOPES,
        nip_claim=settings.ZI_OIDC_NIP_CLAIM,
        match_email=settings.ZI_OIDC_MATCH_EMAIL,
    )
    endpoints = cache.get(f"zi-oidc-endpoints:{provider.issuer}")
    if endpoints:
        for name, value in endpoints.items():
            setattr(provider, name, value)
    return provider


def ensure_endpoints(provider: IdentityProvider) -> None:
    """Fill a settings provider's endpoints by discovery (rows are discovered when saved)."""
    if provider.authorization_endpoint:
        return
    endpoints = discover(provider.issuer)
    cache.set(f"zi-oidc-endpoints:{provider.issuer}", endpoints, DISCOVERY_CACHE_SECONDS)
    for name, value in endpoints.items():
        setattr(provider, name, value)


def active_providers() -> list[IdentityProvider]:
    """Providers shown on the sign-in page. One query."""
    providers = list(IdentityProvider.objects.filter(is_active=True).order_by("name"))
    configured = settings_provider()
    if configured is not None and all(p.slug != configured.slug for p in providers):
        providers.append(configured)
    return providers


def provider_by_slug(slug: str | None) -> IdentityProvider | None:
    if not slug:
        return None
    configured = settings_provider()
    provider = IdentityProvider.objects.filter(slug=slug, is_active=True).first()
    if provider is None and configured is not None and configured.slug == slug:
        provider = configured
    return provider


def provider_save(*, provider: IdentityProvider | None = None, by, **fields) -> IdentityProvider:
    """Save a provider after reading its configuration from the issuer (superusers only)."""
    if by is not None and not by.is_superuser:
        raise ValidationError(_("Hanya administrator nasional yang dapat mengatur SSO."))
    provider = provider or IdentityProvider()
    if not fields.get("client_secret"):
        fields.pop("client_secret", None)  # blank on the form: keep the stored secret
    for name, value in fields.items():
        setattr(provider, name, value)
    try:
        endpoints = discover(provider.issuer)
    except DiscoveryError as error:
        raise ValidationError({"issuer": str(error)}) from None
    for name, value in endpoints.items():
        setattr(provider, name, value)
    provider.full_clean()
    provider._history_user = by
    provider.save()
    return provider


# --------------------------------------------------------------------------
# The backend


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, configured from the provider chosen for this sign-in."""

    def __init__(self, *args, **kwargs) -> None:  # settings are read per provider, not here
        self.UserModel = get_user_model()
        self.provider: IdentityProvider | None = None

    def get_settings(self, attr, *args):
        if attr == "OIDC_RP_SCOPES" and self.provider is not None:
            return self.provider.scopes
        return import_from_settings(attr, *args)

    def configure(self, provider: IdentityProvider) -> None:
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret or ""
        self.OIDC_RP_SIGN_ALGO = provider.signing_algorithm or "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None  # a password sign-in: not ours
        provider = provider_by_slug(request.session.get(PROVIDER_SESSION_KEY))
        if provider is None:
            return None
        try:
            ensure_endpoints(provider)
            self.configure(provider)
            user = super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, DiscoveryError) as error:
            logger.warning("SSO sign-in through %s failed: %s", provider.slug, error)
            request.session[ERROR_SESSION_KEY] = "provider"
            return None
        if user is None and ERROR_SESSION_KEY not in request.session:
            request.session[ERROR_SESSION_KEY] = "no_account"
        return user

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint when there is one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        """By NIP first, then by a verified e-mail address; never by name. Active accounts only."""
        people = self.UserModel.objects.filter(is_active=True)
        provider = self.provider
        nip = str(claims.get(provider.nip_claim) or "").strip() if provider.nip_claim else ""
        if nip:
            found = people.filter(nip=nip)
            if found.exists():
                return found
        email = str(claims.get("email") or "").strip()
        if provider.match_email and email and claims.get("email_verified", True) is not False:
            found = people.filter(email__iexact=email)
            if found.count() > 1:
                self.request.session[ERROR_SESSION_KEY] = "ambiguous"
            return found
        return self.UserModel.objects.none()


# --------------------------------------------------------------------------
# Views


class _StartView(OIDCAuthenticationRequestView):
    def __init__(self, provider: IdentityProvider) -> None:
        View.__init__(self)
        self.provider = provider
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = provider.client_id

    def get_settings(self, attr, *args):
        if attr == "OIDC_RP_SCOPES":
            return self.provider.scopes
        return import_from_settings(attr, *args)


@public
def sso_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the person to the provider's sign-in page (state, nonce and PKCE in the session)."""
    provider = provider_by_slug(slug)
    if provider is None:
        raise Http404
    try:
        ensure_endpoints(provider)
    except DiscoveryError as error:
        logger.warning("SSO provider %s cannot be reached: %s", slug, error)
        request.session[ERROR_SESSION_KEY] = "provider"
        return HttpResponseRedirect(reverse("integrations:sso_failed"))
    request.session[PROVIDER_SESSION_KEY] = provider.slug
    request.session.pop(ERROR_SESSION_KEY, None)
    return _StartView(provider).get(request)


class _CallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self) -> str:
        return reverse("integrations:sso_failed")

    def login_success(self):
        response = super().login_success()
        # The provider authenticated the person: the TOTP code is for local passwords only.
        self.request.session[SECOND_FACTOR_SESSION_KEY] = "sso"
        return response


sso_callback = public(_CallbackView.as_view())


@public
def sso_failed(request: HttpRequest) -> HttpResponse:
    reason = request.session.pop(ERROR_SESSION_KEY, "cancelled")
    return render(request, "integrations/sso_failed.html", {"reason": reason}, status=403)


class LoginView(auth_views.LoginView):
    """Django's sign-in page, with a button for each SSO provider."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_providers"] = active_providers()
        return context
