"""A person's message channels (their own page) and the channels of the installation
(national administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.view_permissions import signed_in, superuser
from messaging import services
from messaging.forms import ChannelForm, RecipientForm
from messaging.models import Channel, Delivery

RECENT = 20


@signed_in
def preferences(request: HttpRequest) -> HttpResponse:
    """Which chat channels the person gets notifications on, and what was sent to them."""
    channels = list(Channel.objects.filter(is_active=True).order_by("name"))
    mine = {s.channel_id: s for s in request.user.channel_subscriptions.all()}
    errors: dict[int, str] = {}
    if request.method == "POST":
        channel = get_object_or_404(Channel, pk=request.POST.get("channel"), is_active=True)
        action = request.POST.get("action", "save")
        form = RecipientForm(request.POST)
        try:
            if action == "remove":
                services.subscription_remove(user=request.user, channel=channel, by=request.user)
                messages.success(
                    request,
                    _("Anda tidak lagi menerima pesan di %(channel)s.") % {"channel": channel},
                )
            elif action == "test":
                sent = services.send(
                    [request.user],
                    subject=_("Pesan uji ZI Tracker"),
                    message=_(
                        "Kanal ini tersambung: pemberitahuan ZI Tracker akan sampai di sini."
                    ),
                )
                if not any(d.channel_id == channel.pk for d in sent):
                    raise ValidationError(_("Simpan alamat penerima dahulu."))
                messages.success(request, _("Pesan uji dikirim; lihat statusnya di bawah."))
            elif form.is_valid():
                services.subscription_set(
                    user=request.user,
                    channel=channel,
                    recipient=form.cleaned_data["recipient"],
                    by=request.user,
                )
                messages.success(
                    request, _("Pilihan kanal %(channel)s disimpan.") % {"channel": channel}
                )
        except ValidationError as error:
            errors[channel.pk] = " ".join(error.messages)
        else:
            return redirect("messaging:preferences")
    rows = [
        {"channel": channel, "subscription": mine.get(channel.pk), "error": errors.get(channel.pk)}
        for channel in channels
    ]
    deliveries = list(Delivery.objects.filter(user=request.user).select_related("channel")[:RECENT])
    return render(
        request,
        "messaging/preferences.html",
        {"rows": rows, "deliveries": deliveries},
        status=400 if errors else 200,
    )


@superuser
def channel_list(request: HttpRequest) -> HttpResponse:
    channels = list(Channel.objects.order_by("name"))
    return render(request, "messaging/channel_list.html", {"channels": channels})


@superuser
def channel_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    channel = get_object_or_404(Channel, pk=pk) if pk else None
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.channel_save(channel=channel, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                form.add_error("url", error.messages)
        else:
            messages.success(request, _("Kanal %(channel)s disimpan.") % {"channel": saved})
            return redirect("messaging:channel_list")
    return render(
        request,
        "messaging/channel_form.html",
        {"form": form, "channel": channel},
        status=400 if form.errors else 200,
    )


@superuser
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel, pk=pk)
    channel.delete()
    messages.success(request, _("Kanal %(channel)s dihapus.") % {"channel": channel})
    return redirect("messaging:channel_list")
