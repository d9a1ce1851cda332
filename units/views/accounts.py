"""One's own account: the optional second factor, and setting one's password from an
invitation or after forgetting it."""

import base64

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.middleware import SECOND_FACTOR_SESSION_KEY
from lib.pdf import qr_data_uri
from units.access import signed_in
from units.forms import (
    NewPasswordForm,
    TokenForm,
)
from units.tokens import invitation_token


def _otp_device(user, *, confirmed: bool):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


@signed_in
def second_factor(request: HttpRequest) -> HttpResponse:
    """Turn the TOTP second factor on (scan, then confirm a code) or off."""
    confirmed = _otp_device(request.user, confirmed=True)
    pending = None if confirmed else _otp_device(request.user, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start" and confirmed is None:
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            TOTPDevice.objects.create(user=request.user, name="ZI Tracker", confirmed=False)
            return redirect("second_factor")
        if action in ("confirm", "disable") and form.is_valid():
            device = pending if action == "confirm" else confirmed
            if device is not None and device.verify_token(form.cleaned_data["token"]):
                if action == "confirm":
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    otp_login(request, device)
                    request.session[SECOND_FACTOR_SESSION_KEY] = "required"
                    messages.success(request, _("Verifikasi dua langkah aktif."))
                else:
                    TOTPDevice.objects.filter(user=request.user).delete()
                    request.session[SECOND_FACTOR_SESSION_KEY] = "none"
                    messages.success(request, _("Verifikasi dua langkah dimatikan."))
                return redirect("second_factor")
            form.add_error("token", _("Kode salah atau sudah kedaluwarsa. Coba kode terbaru."))
    context = {"confirmed": confirmed, "pending": pending, "form": form}
    if pending is not None:
        context["qr"] = qr_data_uri(pending.config_url, scale=5)
        context["secret"] = base64.b32encode(pending.bin_key).decode("ascii")
    return render(
        request, "registration/second_factor.html", context, status=400 if form.errors else 200
    )


@signed_in
def otp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, for people who turned it on."""
    device = _otp_device(request.user, confirmed=True)
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if device is None or request.user.is_verified():
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(next_url)
        form.add_error(
            "token",
            _("Kode salah atau sudah kedaluwarsa.")
            if allowed
            else _("Terlalu banyak percobaan; tunggu sebentar lalu coba lagi."),
        )
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------
# Setting one's own password: from an invitation, or after forgetting it


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invitation link: the invited person sets a password (once; the link expires) and
    is signed in. Django's reset-confirm view, with the invitation's token generator."""

    token_generator = invitation_token
    form_class = NewPasswordForm
    template_name = "registration/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "units.auth.UsernameOrNipBackend"
    success_url = reverse_lazy("home")
    reset_url_token = "atur-sandi"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _(
                "Kata sandi tersimpan. Selamat datang di ZI Tracker; masuk berikutnya dengan %(login)s."
            )
            % {"login": form.user.nip or form.user.username},
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Forgot the password: a link by e-mail, in Indonesian, from ZI_PUBLIC_BASE_URL's site."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_email_context = {"site_name": "ZI Tracker"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
