from __future__ import annotations

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from change_areas.models import Framework
from declarations import resources
from declarations.models import (
    Declarant,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    Witness,
)
from declarations.services import DECLARATION_FIELDS
from lib.concurrency import RevisionField, show_opened_values
from units.models import Unit

SIGNATURE_IMAGE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/webp"}


class DeclarationFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua jenis")), *DeclarationKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua status")), *DeclarationStatus.choices],
    )
    unit = forms.CharField(label=_("Kode unit"), required=False, max_length=40)

    def filter(self, queryset, *, unit: Unit | None):
        if unit is not None:
            queryset = queryset.in_subtree_of(unit)
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(
                Q(title__icontains=data["q"])
                | Q(document_number__icontains=data["q"])
                | Q(venue__icontains=data["q"])
                | Q(city__icontains=data["q"])
            )
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        return queryset


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return f"{unit.name} ({unit.code})"


class DeclarationForm(forms.ModelForm):
    """The draft's event and text. Units come from the organiser and the units just below it."""

    units = UnitChoiceField(
        label=_("Unit yang mencanangkan"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Satu unit, atau beberapa unit yang mencanangkan bersama. Pimpinan unit yang baru "
            "dipilih otomatis ditambahkan sebagai penanda tangan."
        ),
    )
    revision = RevisionField()
    opened_units = forms.CharField(widget=forms.HiddenInput, required=False)
    reset_body = forms.BooleanField(
        label=_("Ganti isi dengan teks baku jenis ini"),
        required=False,
        help_text=_("Centang bila jenisnya diubah atau untuk memulai lagi dari teks baku."),
    )

    class Meta:
        model = Declaration
        fields = DECLARATION_FIELDS
        widgets = {
            "event_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "event_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "body": forms.Textarea(attrs={"rows": 18}),
        }

    def __init__(self, *args, organiser: Unit, unit_choices: list[Unit], creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.organiser = organiser
        self.fields["units"].queryset = Unit.objects.filter(
            pk__in=[unit.pk for unit in unit_choices]
        )
        self.fields["framework"].queryset = Framework.objects.filter(is_active=True)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Kosongkan untuk judul baku jenis ini.")
        self.fields["body"].required = False
        self.fields["body"].help_text = _(
            "Kosongkan untuk teks baku jenis ini. Penanda dalam kurung kurawal diisi otomatis "
            "(daftarnya di bawah). Baris yang diawali '1.' menjadi daftar bernomor; baris "
            "'Label: isi' yang berturut-turut menjadi tabel."
        )
        if creating:
            del self.fields["reset_body"]
            del self.fields["revision"]
            del self.fields["opened_units"]
        else:
            self.fields["revision"].initial = self.instance.revision

    def opened_unit_ids(self) -> list[int] | None:
        """The declaring units the page was opened with (None when it did not say)."""
        raw = self.cleaned_data.get("opened_units")
        if not raw:
            return None
        return [int(part) for part in raw.split(",") if part.strip().isdigit()]

    def clean_body(self):
        return (self.cleaned_data.get("body") or "").replace("\r\n", "\n")


def _check_signature_image(upload):
    if not upload or not hasattr(upload, "size"):
        return upload
    if upload.size > SIGNATURE_IMAGE_MAX_BYTES:
        raise forms.ValidationError(_("Gambar tanda tangan paling besar 2 MB."))
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in SIGNATURE_IMAGE_TYPES:
        raise forms.ValidationError(_("Gambar tanda tangan harus PNG, JPEG atau WebP."))
    return upload


class DeclarantForm(forms.ModelForm):
    class Meta:
        model = Declarant
        fields = Declarant.ROW_FIELDS

    def __init__(self, *args, unit_choices: list[Unit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            pk__in=[u.pk for u in unit_choices or []]
        )
        self.fields["order"].widget = forms.NumberInput(attrs={"min": 0, "class": "narrow"})
        show_opened_values(self)

    def clean_signature_image(self):
        return _check_signature_image(self.cleaned_data.get("signature_image"))


class WitnessForm(forms.ModelForm):
    class Meta:
        model = Witness
        fields = Witness.ROW_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].widget = forms.NumberInput(attrs={"min": 0, "class": "narrow"})
        show_opened_values(self)

    def clean_signature_image(self):
        return _check_signature_image(self.cleaned_data.get("signature_image"))


DeclarantFormSet = inlineformset_factory(
    Declaration, Declarant, form=DeclarantForm, extra=2, can_delete=True
)
WitnessFormSet = inlineformset_factory(
    Declaration, Witness, form=WitnessForm, extra=3, can_delete=True
)


class ParticipantImportForm(forms.Form):
    WHO = (("witnesses", _("Saksi")), ("declarants", _("Penanda tangan")))
    who = forms.ChoiceField(label=_("Daftar"), choices=WHO)
    file = forms.FileField(
        label=_("Berkas (.xlsx atau .csv)"),
        help_text=_(
            "Kolom: name, position, institution (saksi) atau name, nip, position (penanda tangan). "
            "Daftar lama diganti; satu baris salah menolak seluruh berkas."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Berkas paling besar 5 MB."))
        return upload

    def import_into(self, declaration: Declaration, *, by) -> resources.ParticipantImport:
        """Replace the chosen list with the file's rows (all or nothing) after `is_valid()`;
        what is wrong with the file becomes this form's errors on `file`."""
        upload = self.cleaned_data["file"]
        try:
            result = resources.import_participants(
                declaration=declaration,
                who=self.cleaned_data["who"],
                content=upload.read(),
                file_name=upload.name,
                by=by,
            )
        except ValidationError as error:
            result = resources.ParticipantImport(ok=False, errors=error.messages)
        for message in result.errors or []:
            self.add_error("file", message)
        return result


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class SupersedeForm(forms.Form):
    """Choices come from a list loaded once, so showing the form costs one query."""

    replacement = forms.TypedChoiceField(label=_("Diganti dengan"), coerce=int, choices=())
    reason = forms.CharField(
        label=_("Alasan penggantian"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, replacements: list[Declaration], **kwargs):
        super().__init__(*args, **kwargs)
        self.replacements = {declaration.pk: declaration for declaration in replacements}
        self.fields["replacement"].choices = [("", "---------")] + [
            (declaration.pk, f"{declaration} ({declaration.event_date:%d/%m/%Y})")
            for declaration in replacements
        ]

    def clean_replacement(self) -> Declaration:
        return self.replacements[self.cleaned_data["replacement"]]


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas PDF yang ingin diperiksa"),
        allow_empty_file=True,
        help_text=_(
            "Berkas tidak disimpan; hanya sidik SHA-256 dan tanda tangannya yang diperiksa."
        ),
    )


# --- signing keys ----------------------------------------------------------------------------

PKCS12_MAX_BYTES = 200 * 1024


class SigningKeyUploadForm(forms.Form):
    name = forms.CharField(
        label=_("Nama kunci"),
        max_length=200,
        required=False,
        help_text=_("Misalnya “Sertifikat BSrE Sekretariat Utama”. Kosong: nama pada sertifikat."),
    )
    owner = forms.ModelChoiceField(
        label=_("Dikelola oleh"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Seluruh instalasi (admin nasional)"),
        help_text=_(
            "Admin unit ini dan admin nasional mengelola kunci dan menetapkan pemakaiannya."
        ),
    )
    file = forms.FileField(
        label=_("Berkas sertifikat (PKCS#12: .p12 atau .pfx)"),
        help_text=_(
            "Berisi kunci privat dan sertifikatnya, seperti yang diterbitkan BSrE atau CA lain."
        ),
    )
    passphrase = forms.CharField(
        label=_("Kata sandi berkas"),
        required=False,
        strip=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Disimpan terenkripsi dan tidak pernah ditampilkan lagi."),
    )

    def __init__(self, *args, owners, allow_installation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].required = not allow_installation
        if not allow_installation:
            self.fields["owner"].empty_label = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > PKCS12_MAX_BYTES:
            raise ValidationError(_("Berkas sertifikat terlalu besar (paling besar 200 KB)."))
        return upload.read()


class SigningKeyAssignForm(forms.Form):
    unit = forms.CharField(
        label=_("Kode unit"),
        max_length=40,
        help_text=_("Kunci ini menandatangani dokumen unit itu dan semua unit di bawahnya."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units

    def clean_unit(self) -> Unit:
        code = self.cleaned_data["unit"].strip()
        unit = self.units.filter(code=code).first()
        if unit is None:
            raise ValidationError(
                _("Tidak ada unit dengan kode %(code)s yang dapat Anda tetapkan untuk kunci ini."),
                params={"code": code},
            )
        return unit


class ReportForm(forms.Form):
    """Issuing a Laporan Hasil Evaluasi (LHE): its number and date, the reviewing team's unit
    whose letterhead it bears, and the signer's title."""

    number = forms.CharField(label=_("Nomor laporan"), max_length=120)
    issued_on = forms.DateField(
        label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label=_("Tempat"), max_length=100)
    issuer = forms.ModelChoiceField(
        label=_("Unit tim penilai (kop surat)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— tulis nama penerbit di bawah —"),
        help_text=_("Misalnya Inspektorat: laporan dicetak dengan kop unit ini."),
    )
    issuer_name = forms.CharField(
        label=_("Nama penerbit"),
        max_length=255,
        required=False,
        help_text=_("Kosongkan untuk memakai nama unit tim penilai."),
    )
    signer_position = forms.CharField(label=_("Jabatan penanda tangan"), max_length=200)

    def __init__(self, *args, issuers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in issuers])
        self.fields["issuer"].choices = [("", self.fields["issuer"].empty_label)] + [
            (unit.pk, unit.name) for unit in issuers
        ]

    def clean(self):
        data = super().clean()
        if not data.get("issuer") and not (data.get("issuer_name") or "").strip():
            self.add_error("issuer_name", _("Pilih unit tim penilai atau tulis nama penerbit."))
        return data
