from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units import services
from units.models import Role, UnitKind
from units.validators import validate_nip


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


def _role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in roles]


class MembershipGrantForm(forms.Form):
    """Add someone who already has an account: found only among the people of the subtrees
    the person manages, or by exact NIP and e-mail (a transfer from elsewhere)."""

    person = forms.CharField(
        label=_("Nama pengguna atau NIP"),
        max_length=150,
        help_text=_("Orang yang sudah memegang peran di unit yang Anda kelola."),
    )
    email = forms.EmailField(
        label=_("Surel (untuk pegawai pindahan)"),
        required=False,
        help_text=_(
            "Untuk orang dari instansi lain: isi NIP di atas dan surelnya, keduanya persis."
        ),
    )
    role = forms.ChoiceField(label=_("Peran"), choices=())

    def __init__(self, *args, roles: list[Role], by=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["role"].choices = _role_choices(roles)

    def clean(self):
        data = super().clean()
        if "person" not in data or self.by is None:
            return data
        user = services.find_for_team(
            identifier=data["person"], email=data.get("email") or "", by=self.by
        )
        if user is None:
            # The same words whoever the value names: nothing about people elsewhere leaks.
            self.add_error(
                "person",
                _(
                    "Tidak ditemukan di antara orang-orang di unit yang Anda kelola. Untuk "
                    "pegawai pindahan, isi NIP dan surelnya persis; untuk orang yang belum "
                    "memiliki akun, kirim undangan."
                ),
            )
        else:
            data["user"] = user
        return data


class InvitationForm(forms.Form):
    """A new person, who has no account yet, invited by e-mail into a role."""

    full_name = forms.CharField(label=_("Nama lengkap"), max_length=200)
    nip = forms.CharField(
        label=_("NIP"),
        max_length=18,
        required=False,
        validators=[validate_nip],
        help_text=_("18 angka; kosongkan untuk non-ASN. Dapat dipakai untuk masuk."),
    )
    email = forms.EmailField(label=_("Surel"), help_text=_("Tautan undangan dikirim ke sini."))
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Peran"), choices=())

    def __init__(self, *args, roles: list[Role], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class InvitationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas xlsx atau csv"),
        help_text=_(
            "Kolom: nama, nip, surel, jabatan, peran, unit (kode unit; kosong: unit ini). Satu "
            "baris salah: tidak ada yang diimpor, dan setiap baris yang salah disebutkan."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 5 MB)."))
        return upload


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


class NewPasswordForm(SetPasswordForm):
    """Setting one's own password (invitation, reset) in the words the rest of the app uses."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")


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
