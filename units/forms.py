from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Role, UnitKind, User


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua jenis")), *UnitKind.choices]
    )
    province = forms.CharField(label=_("Provinsi"), required=False, max_length=100)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["province"]:
            queryset = queryset.filter(province__icontains=data["province"])
        return queryset


class MembershipGrantForm(forms.Form):
    person = forms.CharField(
        label=_("Nama pengguna atau NIP"),
        max_length=150,
        help_text=_("Orang itu harus sudah memiliki akun."),
    )
    role = forms.ChoiceField(label=_("Peran"), choices=())

    def __init__(self, *args, roles: list[Role], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]

    def clean_person(self) -> User:
        value = self.cleaned_data["person"].strip()
        user = User.objects.filter(Q(username=value) | Q(nip=value), is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Tidak ada akun aktif dengan nama pengguna atau NIP %(value)s."),
                params={"value": value},
            )
        return user


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Nama pengguna/NIP atau kata sandi salah. Perhatikan huruf besar dan kecil."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi admin unit Anda."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna atau NIP")
        self.fields["password"].label = _("Kata sandi")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Kode dari aplikasi autentikator"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Kode hanya berisi angka."))
        return token
