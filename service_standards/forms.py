from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lib.concurrency import RevisionField
from service_standards import skm
from service_standards.models import (
    COMPONENT_GROUPS,
    ELEMENT_LABELS,
    Consultation,
    Maklumat,
    PeriodKind,
    SatisfactionSurvey,
    Service,
    StandardVersion,
    TextListField,
)
from service_standards.services import (
    CONSULTATION_FIELDS,
    SERVICE_FIELDS,
    VERSION_FIELDS,
    parse_lines,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LinesField(forms.CharField):
    """A list edited as text, one item per line; typed bullets and numbers are dropped."""

    widget = forms.Textarea

    def __init__(self, *args, rows: int = 4, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, strip=False, **kwargs)
        self.widget.attrs.update({"rows": rows})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return parse_lines(value or "")

    def has_changed(self, initial, data):
        return self.to_python(initial) != self.to_python(data)


ONE_PER_LINE = _("Satu butir per baris.")


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = SERVICE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.instance.unit = unit
        self.fields["slug"].required = False
        if not self.instance.pk:
            self.fields["slug"].help_text = _(
                "Kosongkan untuk dibuat dari nama layanan. "
                "Jangan diubah setelah dicetak pada kode QR."
            )

    def validate_unique(self):
        """Left to `services.service_create/update`, which say clearly what is taken."""


# How many rows a list's box opens with (it grows to fit its items); four where not named.
LIST_ROWS = {
    "requirements": 5,
    "procedure": 7,
    "products": 3,
    "legal_basis": 5,
    "internal_supervision": 3,
}


def _standard_formfield(db_field, **kwargs):
    """Every list component is edited as lines of text, one item per line."""
    if isinstance(db_field, TextListField):
        options = {
            "label": capfirst(db_field.verbose_name),
            "help_text": ONE_PER_LINE,
            "rows": LIST_ROWS.get(db_field.name, 4),
            **kwargs,
        }
        return LinesField(**options)
    return db_field.formfield(**kwargs)


class StandardVersionForm(forms.ModelForm):
    revision = RevisionField()

    class Meta:
        model = StandardVersion
        fields = VERSION_FIELDS
        formfield_callback = _standard_formfield
        labels = {"complaint_channels": _("Saluran pengaduan, saran, dan masukan")}
        help_texts = {
            "procedure": _("Satu langkah per baris, berurutan; nomor dibuat otomatis."),
            "complaint_channels": _(
                "Satu saluran per baris, misalnya: SP4N-LAPOR! (www.lapor.go.id)."
            ),
        }
        widgets = {
            "change_note": forms.Textarea(attrs={"rows": 2}),
            "complaint_note": forms.Textarea(attrs={"rows": 2}),
            "service_guarantee": forms.Textarea(attrs={"rows": 3}),
            "security_guarantee": forms.Textarea(attrs={"rows": 3}),
            "performance_evaluation": forms.Textarea(attrs={"rows": 3}),
        }
        localized_fields = ("fee_amount",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = self.instance.revision
        self.fields["fee_amount"].help_text = _("Dalam rupiah, misalnya 150.000")
        for name, field in self.fields.items():
            if isinstance(field, LinesField):  # room for every item, plus one to add
                items = len(self.initial.get(name) or [])
                field.widget.attrs["rows"] = max(int(field.widget.attrs.get("rows", 4)), items + 1)
        self.fields["duration_unit"].choices = [
            ("", "—"),
            *self.fields["duration_unit"].choices[1:],
        ]

    def component_groups(self) -> list[tuple[str, list[list]]]:
        """Each group's label and its fields in rows, as the component table lays them out."""
        return [
            (
                group.label,
                [
                    [self[name] for name in ((row,) if isinstance(row, str) else row)]
                    for row in group.rows
                ],
            )
            for group in COMPONENT_GROUPS
        ]


class PublishForm(forms.Form):
    decree_number = forms.CharField(
        label=_("Nomor keputusan penetapan"),
        max_length=150,
        help_text=_("Nomor SK kepala unit yang menetapkan standar pelayanan ini."),
    )
    decree_date = forms.DateField(label=_("Tanggal keputusan"), widget=DateInput())
    effective_date = forms.DateField(label=_("Tanggal mulai berlaku"), widget=DateInput())
    consultation = forms.ModelChoiceField(
        label=_("Konsultasi publik (FGD)"),
        queryset=Consultation.objects.none(),
        required=False,
        empty_label=_("— Tanpa konsultasi publik —"),
        help_text=_("FGD bersama pemangku kepentingan tempat standar ini dibahas."),
    )

    def __init__(self, *args, consultations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = consultations

    def clean(self):
        data = super().clean()
        decree, effective = data.get("decree_date"), data.get("effective_date")
        if decree and effective and effective < decree:
            self.add_error(
                "effective_date", _("Tanggal berlaku tidak boleh sebelum tanggal keputusan.")
            )
        return data


class ConsultationForm(forms.ModelForm):
    participants = LinesField(
        label=_("Peserta"),
        help_text=_("Satu peserta atau unsur per baris, misalnya: Perwakilan Universitas Papua."),
        rows=5,
    )
    minutes_file = forms.FileField(
        label=_("Notulen/berita acara"),
        required=False,
    )

    class Meta:
        model = Consultation
        fields = (*CONSULTATION_FIELDS, "services")
        widgets = {
            "held_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "services": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.unit = unit
        self.fields["minutes_file"].help_text = _(
            "PDF, JPG, PNG, atau DOCX; paling besar %(size)s MB."
        ) % {"size": settings.ZI_SERVICE_UPLOAD_MAX_BYTES // (1024 * 1024)}
        self.fields["services"].queryset = Service.objects.for_unit(unit)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Tanggal FGD tidak boleh di masa depan."))
        return held_on


class MaklumatForm(forms.ModelForm):
    revision = RevisionField()

    class Meta:
        model = Maklumat
        fields = ("text",)
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False  # empty: the standard wording
        self.fields["revision"].initial = self.instance.revision  # 0: no draft yet


class MaklumatSignForm(forms.Form):
    signer_name = forms.CharField(label=_("Nama pimpinan"), max_length=200)
    signer_nip = forms.CharField(label=_("NIP"), max_length=18, required=False)
    signer_position = forms.CharField(label=_("Jabatan"), max_length=200)
    signed_place = forms.CharField(label=_("Tempat"), max_length=100)
    signed_on = forms.DateField(label=_("Tanggal"), widget=DateInput())

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal penandatanganan tidak boleh di masa depan."))
        return value


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - 10, -1)]


class SurveyCreateForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Cakupan"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Seluruh layanan unit"),
    )
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int, choices=())
    period_kind = forms.ChoiceField(label=_("Jenis periode"), choices=PeriodKind.choices)
    period_number = forms.TypedChoiceField(
        label=_("Periode ke-"),
        coerce=int,
        choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")],
        help_text=_("Untuk periode tahunan pilih I."),
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.for_unit(unit).active()
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        kind, number = data.get("period_kind"), data.get("period_number")
        limits = {PeriodKind.QUARTER: 4, PeriodKind.SEMESTER: 2, PeriodKind.YEAR: 1}
        if kind and number and number > limits[PeriodKind(kind)]:
            self.add_error(
                "period_number",
                _("%(kind)s hanya sampai periode ke-%(max)d.")
                % {"kind": PeriodKind(kind).label, "max": limits[PeriodKind(kind)]},
            )
        return data


class RespondentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas responden (.xlsx atau .csv)"),
        help_text=_("Satu baris per responden; kolom U1–U9 bernilai 1–4."),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar; paling besar 5 MB."))
        return uploaded


class AveragesForm(forms.Form):
    respondent_count = forms.IntegerField(
        label=_("Jumlah responden"), min_value=1, max_value=1_000_000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in ELEMENT_LABELS:
            self.fields[f"nrr_{code}"] = forms.DecimalField(
                label=f"{code.upper()} · {label}",
                min_value=Decimal("1"),
                max_value=Decimal("4"),
                max_digits=5,
                decimal_places=4,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
                error_messages={
                    "min_value": _("Nilai rata-rata harus antara 1,00 dan 4,00."),
                    "max_value": _("Nilai rata-rata harus antara 1,00 dan 4,00."),
                },
            )

    @classmethod
    def initial_from(cls, survey: SatisfactionSurvey) -> dict:
        initial = {"respondent_count": survey.respondent_count or None}
        for code in skm.ELEMENT_CODES:
            initial[f"nrr_{code}"] = getattr(survey, f"nrr_{code}")
        return initial

    def averages(self) -> list[Decimal]:
        return [self.cleaned_data[f"nrr_{code}"] for code in skm.ELEMENT_CODES]

    @property
    def element_fields(self):
        return [self[f"nrr_{code}"] for code in skm.ELEMENT_CODES]


def today() -> datetime.date:
    return timezone.localdate()


class PopulationForm(forms.Form):
    population = forms.IntegerField(
        label=_("Populasi penerima layanan"),
        min_value=1,
        required=False,
        help_text=_("Jumlah penerima layanan pada periode itu; kosongkan bila belum diketahui."),
    )
