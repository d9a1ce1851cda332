"""Pages of `integrations`: a person's API tokens and calendar feed, the private feed
itself, and the sign-in providers (national administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrations import calendar, services, sso
from integrations.forms import ProviderForm, TokenForm
from integrations.models import AccessToken, CalendarFeed, IdentityProvider, digest
from lib.view_permissions import public, signed_in, superuser

NEW_SECRET_KEY = "zi_new_secret"


def _pop_secret(request: HttpRequest, kind: str) -> str | None:
    stored = request.session.pop(NEW_SECRET_KEY, None)
    return stored["secret"] if stored and stored.get("kind") == kind else None


@signed_in
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's API tokens; a new token is shown once, right after it is made."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                days=form.cleaned_data["days"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[NEW_SECRET_KEY] = {"kind": "token", "secret": secret}
            return redirect("integrations:tokens")
    tokens = list(AccessToken.objects.filter(user=request.user).order_by("-created_at"))
    return render(
        request,
        "integrations/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_secret": _pop_secret(request, "token"),
            "now": timezone.now(),
            "docs_url": reverse("api:openapi-view"),
            "schema_url": reverse("api:openapi-json"),
        },
        status=400 if form.errors else 200,
    )


@signed_in
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)  # another's token: 404
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _('Token "%(name)s" dicabut.') % {"name": token.name})
    return redirect("integrations:tokens")


@signed_in
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The person's private calendar address: make, renew or close it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_revoke(user=request.user, by=request.user)
            messages.success(request, _("Alamat kalender ditutup."))
        else:
            _feed, secret = services.feed_create(user=request.user, by=request.user)
            request.session[NEW_SECRET_KEY] = {"kind": "feed", "secret": secret}
        return redirect("integrations:calendar")
    secret = _pop_secret(request, "feed")
    active = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    upcoming = calendar.deadlines(request.user, timezone.localdate())
    return render(
        request,
        "integrations/calendar.html",
        {
            "active": active,
            "feed_url": request.build_absolute_uri(
                reverse("integrations:calendar_feed", kwargs={"secret": secret})
            )
            if secret
            else None,
            "upcoming": upcoming,
        },
    )


@public
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The ICS feed; its secret address is the only key (revoked or unknown: 404)."""
    feed = (
        CalendarFeed.objects.filter(
            digest=digest(secret), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if feed is None:
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    content = calendar.feed(feed.user, timezone.localdate(), host=request.get_host())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="zi-tracker.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@superuser
def provider_list(request: HttpRequest) -> HttpResponse:
    providers = list(IdentityProvider.objects.order_by("name"))
    return render(
        request,
        "integrations/provider_list.html",
        {
            "providers": providers,
            "settings_provider": sso.settings_provider(),
            "callback_url": request.build_absolute_uri(reverse("integrations:sso_callback")),
        },
    )


@superuser
def provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, pk=pk) if pk else None
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            saved = sso.provider_save(provider=provider, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(
                request,
                _("Penyedia %(name)s disimpan; konfigurasinya terbaca dari issuer.")
                % {"name": saved},
            )
            return redirect("integrations:provider_list")
    return render(
        request,
        "integrations/provider_form.html",
        {
            "form": form,
            "provider": provider,
            "callback_url": request.build_absolute_uri(reverse("integrations:sso_callback")),
        },
        status=400 if form.errors else 200,
    )
