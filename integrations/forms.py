from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from integrations.models import IdentityProvider
from integrations.services import MAX_TOKEN_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"), max_length=100, help_text=_('Misalnya "Dasbor Biro Organisasi".')
    )
    days = forms.IntegerField(
        label=_("Berlaku (hari)"),
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        initial=settings.ZI_API_TOKEN_DAYS,
    )
    read_only = forms.BooleanField(
        label=_("Hanya membaca"),
        required=False,
        initial=True,
        help_text=_(
            "Token yang dapat menulis bertindak seperti Anda: menyimpan jawaban dan kemajuan."
        ),
    )


class ProviderForm(forms.ModelForm):
    issuer = forms.URLField(
        label=_("Issuer"),
        assume_scheme="https",
        help_text=IdentityProvider._meta.get_field("issuer").help_text,
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "slug",
            "issuer",
            "client_id",
            "client_secret",
            "scopes",
            "nip_claim",
            "match_email",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_secret"].help_text = (
            _(
                "Tersimpan terenkripsi dan tidak ditampilkan. Kosongkan untuk tetap memakai yang tersimpan."
            )
            if self.instance.pk
            else _("Disimpan terenkripsi.")
        )

    def _post_clean(self):
        # The service reads the issuer's configuration, validates and saves.
        pass
