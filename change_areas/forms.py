from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from change_areas import scoring
from change_areas.models import (
    WINDOWS,
    Area,
    ComponentKind,
    Cycle,
    Decision,
    DocumentType,
    Evidence,
    Framework,
    Predicate,
    Question,
    WorkPlanItem,
    WorkPlanStatus,
)
from change_areas.selectors import TEAM_ROLES
from change_areas.services import CAMPAIGN_DEFAULT_KINDS
from lib.forms import DateField, DateInput, id_from
from units.models import Unit, UnitKind, User


def _year_choices() -> list[tuple[int, str]]:
    # Labels as text: an integer label is localised like a number ("2.026").
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - 8, -1)]


class WindowsMixin(forms.Form):
    def clean(self):
        data = super().clean()
        for window in WINDOWS.values():
            opens, closes = data.get(window.opens_field), data.get(window.closes_field)
            if opens and closes and closes < opens and window.closes_field in self.fields:
                self.add_error(
                    window.closes_field,
                    _("%(window)s harus ditutup pada atau sesudah tanggal pembukaannya.")
                    % {"window": window.label},
                )
        return data


class CampaignScheduleForm(WindowsMixin):
    """What a campaign's owner may change after opening it: its name, windows and options."""

    name = forms.CharField(label=_("Nama kampanye"), max_length=200)
    fill_opens = DateField(label=_("Pengisian dibuka"), widget=DateInput())
    fill_closes = DateField(label=_("Pengisian ditutup"), widget=DateInput())
    review_opens = DateField(label=_("Penilaian TPI dibuka"), widget=DateInput())
    review_closes = DateField(label=_("Penilaian TPI ditutup"), widget=DateInput())
    tpn_opens = DateField(label=_("Evaluasi TPN dibuka"), required=False, widget=DateInput())
    tpn_closes = DateField(label=_("Evaluasi TPN ditutup"), required=False, widget=DateInput())
    early_review = forms.BooleanField(
        label=_(
            "Ajukan lebih awal, dinilai lebih awal: penilaian unit yang sudah diajukan "
            "langsung dapat dinilai TPI"
        ),
        required=False,
    )
    coordinators_invite = forms.BooleanField(
        label=_("Koordinator unit peserta boleh mengundang anggota tim yang belum memiliki akun"),
        required=False,
    )


class CycleWindowForm(forms.Form):
    """One unit's window moved by the campaign's owner, with the reason."""

    window = forms.ChoiceField(label=_("Jadwal"), choices=())
    opens = DateField(label=_("Dibuka"), required=False, widget=DateInput())
    closes = DateField(label=_("Ditutup"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Tercatat di riwayat dan diberitahukan kepada tim unit dan penilainya."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [(key, w.label) for key, w in WINDOWS.items()]

    def clean(self):
        data = super().clean()
        if data.get("opens") and data.get("closes") and data["closes"] < data["opens"]:
            self.add_error("closes", _("Tanggal penutupan harus sesudah tanggal pembukaan."))
        return data


class CycleOpenForm(WindowsMixin):
    framework = forms.ModelChoiceField(
        label=_("Kerangka LKE"), queryset=Framework.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int, choices=())
    target = forms.ChoiceField(label=_("Target predikat"), choices=Predicate.choices)
    work_plan_framework = forms.ModelChoiceField(
        label=_("Area untuk rencana kerja"),
        queryset=Framework.objects.none(),
        required=False,
        empty_label=_("Sama dengan kerangka LKE"),
        help_text=_(
            "Pilih delapan area perubahan RB bila unit memantau rencana kerjanya dengan area RB."
        ),
    )
    fill_opens = DateField(label=_("Pengisian dibuka"), required=False, widget=DateInput())
    fill_closes = DateField(label=_("Pengisian ditutup"), required=False, widget=DateInput())
    review_opens = DateField(label=_("Penilaian TPI dibuka"), required=False, widget=DateInput())
    review_closes = DateField(label=_("Penilaian TPI ditutup"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.with_lke().order_by(
            "-is_current", "code"
        )
        self.fields["framework"].initial = Framework.objects.current()
        self.fields["work_plan_framework"].queryset = Framework.objects.for_work_plans()
        self.fields["year"].choices = _year_choices()
        self.fields["year"].initial = timezone.localdate().year


class CampaignForm(WindowsMixin):
    name = forms.CharField(label=_("Nama kampanye"), max_length=200)
    root = forms.ModelChoiceField(
        label=_("Untuk semua unit di bawah"), queryset=Unit.objects.none()
    )
    framework = forms.ModelChoiceField(
        label=_("Versi LKE"), queryset=Framework.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int, choices=())
    kinds = forms.MultipleChoiceField(
        label=_("Jenis unit yang ikut"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[kind.value for kind in CAMPAIGN_DEFAULT_KINDS],
    )
    fill_opens = DateField(label=_("Pengisian dibuka"), widget=DateInput())
    fill_closes = DateField(label=_("Pengisian ditutup"), widget=DateInput())
    review_opens = DateField(label=_("Penilaian TPI dibuka"), widget=DateInput())
    review_closes = DateField(label=_("Penilaian TPI ditutup"), widget=DateInput())
    tpn_opens = DateField(label=_("Evaluasi TPN dibuka"), required=False, widget=DateInput())
    tpn_closes = DateField(label=_("Evaluasi TPN ditutup"), required=False, widget=DateInput())
    pre_assessment = forms.BooleanField(
        label=_("Dengan penilaian pendahuluan (unit provinsi/eselon I menilai lebih dahulu)"),
        required=False,
    )
    proposal_closes = DateField(
        label=_("Batas pengusulan ke TPN"),
        required=False,
        widget=DateInput(),
        help_text=_("Kosongkan untuk 31 Mei tahun kampanye (PermenPAN-RB 5/2024)."),
    )
    early_review = CampaignScheduleForm.base_fields["early_review"]
    coordinators_invite = CampaignScheduleForm.base_fields["coordinators_invite"]

    def __init__(self, *args, roots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root"].queryset = roots
        self.fields["framework"].queryset = Framework.objects.with_lke().order_by(
            "-is_current", "code"
        )
        self.fields["framework"].initial = Framework.objects.current()
        self.fields["year"].choices = _year_choices()
        self.fields["year"].initial = timezone.localdate().year


class ProposalDeadlineForm(forms.Form):
    proposal_closes = DateField(label=_("Batas pengusulan ke TPN"), widget=DateInput())
    basis = forms.CharField(
        label=_("Dasar perubahan (misalnya nomor surat TPN)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InstansiWbkForm(forms.Form):
    """The instansi sets Menuju WBK: its own decree (keputusan pimpinan instansi)."""

    decree_number = forms.CharField(label=_("Nomor keputusan pimpinan instansi"), max_length=150)
    decree_date = DateField(label=_("Tanggal keputusan"), widget=DateInput())
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MandiriDesignationForm(forms.Form):
    decree_number = forms.CharField(label=_("Nomor keputusan Menteri"), max_length=150)
    decree_date = DateField(label=_("Tanggal keputusan"), widget=DateInput())
    valid_from = forms.IntegerField(label=_("Berlaku mulai tahun"), min_value=2024, max_value=2100)
    valid_until = forms.IntegerField(
        label=_("Berlaku sampai tahun (kosong: sampai dicabut)"),
        required=False,
        min_value=2024,
        max_value=2100,
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("valid_until")
            and data.get("valid_from")
            and data["valid_until"] < data["valid_from"]
        ):
            self.add_error("valid_until", _("Tahun akhir harus sesudah tahun mulai."))
        return data


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas"), help_text=_("PDF, gambar atau dokumen Office."))
    title = forms.CharField(label=_("Judul"), max_length=255, required=False)
    document_type = forms.ChoiceField(
        label=_("Jenis dokumen"), choices=DocumentType.choices, initial=DocumentType.LAINNYA
    )
    valid_until = DateField(label=_("Berlaku sampai"), required=False, widget=DateInput())
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceReplaceForm(forms.Form):
    file = forms.FileField(label=_("Berkas pengganti"))


class WorkPlanItemForm(forms.ModelForm):
    class Meta:
        model = WorkPlanItem
        fields = [
            "area",
            "title",
            "description",
            "assignee",
            "person_in_charge",
            "start_date",
            "due_date",
            "status",
            "percent",
        ]
        widgets = {
            "start_date": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            Q(component__isnull=True) | Q(component__kind=ComponentKind.PENGUNGKIT),
            framework=cycle.work_plan_framework,
            is_active=True,
        )
        self.fields["status"].initial = WorkPlanStatus.PLANNED
        self.fields["assignee"].queryset = (
            User.objects.filter(
                memberships__unit=cycle.unit, memberships__role__in=TEAM_ROLES, is_active=True
            )
            .distinct()
            .order_by("full_name", "username")
        )
        self.fields["assignee"].empty_label = _("— belum ditentukan —")
        self.fields["person_in_charge"].help_text = _(
            "Isi hanya bila penanggung jawabnya bukan anggota tim di aplikasi ini."
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("due_date")
            and data["due_date"] < data["start_date"]
        ):
            self.add_error("due_date", _("Tenggat harus sesudah tanggal mulai."))
        return data


class LibraryPicker(forms.Widget):
    """A document of the unit's library, picked through a search the server answers
    (`change_areas:evidence_pick`), never a list of the whole library: the page weighs
    the same with one document or five hundred.

    Inside the form: the document picked so far (a checked radio), "none", the words
    to search and where the matches come (radios of the same name). The words belong
    to a search form of their own, drawn after this form by
    `change_areas/evidence_search.html#picker_form` (HTML's `form` attribute), so
    Enter searches instead of sending the form, and without JavaScript the search is
    a page whose "Pilih" links come back with the document picked.
    """

    template_name = "forms/widgets/library_picker.html"
    picked: Evidence | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["picked"] = self.picked
        return context

    def id_for_label(self, id_):
        return f"{id_}_q" if id_ else id_


class LibraryDocumentField(forms.ModelChoiceField):
    """A document of one unit's library, validated against it without reading it all."""

    widget = LibraryPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Bukti dukung tidak ditemukan di pustaka unit.")},
        )
        super().__init__(queryset=Evidence.objects.none(), **kwargs)

    def for_library_of(self, unit, picked) -> None:
        """Accept the unit's documents only, and name the one already `picked` (the value
        sent, or the `initial` a search page came back with): one query, and only when
        there is one."""
        self.queryset = Evidence.objects.for_unit(unit)
        pk = id_from(str(picked)) if picked is not None else None
        self.widget.picked = (
            self.queryset.only("pk", "title", "valid_until").filter(pk=pk).first()
            if pk is not None
            else None
        )


class ProgressEntryForm(forms.Form):
    date = DateField(label=_("Tanggal"), widget=DateInput(), initial=timezone.localdate)
    percent = forms.IntegerField(label=_("Kemajuan (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Yang sudah dikerjakan"), widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = LibraryDocumentField(label=_("Bukti dukung dari pustaka"))
    file = forms.FileField(
        label=_("Atau unggah bukti baru"),
        required=False,
        help_text=_("PDF, gambar atau dokumen Office; masuk ke pustaka unit."),
    )
    file_title = forms.CharField(label=_("Judul bukti baru"), max_length=255, required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["evidence"].for_library_of(unit, self["evidence"].value())

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate() + datetime.timedelta(days=1):
            raise forms.ValidationError(
                _("Kemajuan tidak dapat dicatat untuk tanggal yang akan datang.")
            )
        return day


class LkeImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas LKE (.xlsx atau .csv)"))


class LkeWorkbookImportForm(forms.Form):
    file = forms.FileField(label=_("Lembar kerja LKE (.xlsx)"))


class CountField(forms.IntegerField):
    """A count typed in the active language: "1.234" is 1234 in Indonesian, "1,234" in English.

    Whole, 0 and up to the question's bound; "sepuluh", "2,5" and "1e309" are refused
    in words (Django's IntegerField would say only "enter a whole number").
    """

    default_error_messages = {
        "invalid": _("'%(value)s' bukan angka."),
        "whole": _("jumlah harus bilangan bulat."),
        "min_value": _("jumlah tidak boleh negatif."),
        "max_value": _("jumlah paling banyak %(limit_value)s."),
    }

    def __init__(self, **kwargs):
        super().__init__(localize=True, required=False, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(formats.sanitize_separators(value)).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None
        if not number.is_finite():
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        if number.adjusted() > 18:  # far beyond any bound; never build a huge integer
            raise forms.ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit_value": formats.number_format(self.max_value)},
            )
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["whole"], code="whole")
        return int(number)


class NumberField(forms.DecimalField):
    """A number answer (a survey index, a percentage, any range a catalog declares) typed in
    the active language ("3,75" in Indonesian)."""

    def __init__(self, *, message: str, **kwargs):
        super().__init__(
            localize=True,
            required=False,
            max_digits=9,
            decimal_places=4,
            error_messages={"min_value": message, "max_value": message},
            **kwargs,
        )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                _("'%(value)s' bukan angka."), code=error.code, params={"value": value}
            ) from None

    def validate(self, value):
        if value is not None and not value.is_finite():
            raise forms.ValidationError(
                _("'%(value)s' bukan angka."), code="invalid", params={"value": value}
            )
        super().validate(value)


NUMBER_MESSAGES = {
    "nilai_0_4": _("Nilai survei harus antara 0 dan 4."),
    "persentase": _("Persentase harus antara 0 dan 100."),
}


class AnswerForm(forms.Form):
    """One question's answer, as a page posts it (plain or htmx) and as an LKE file row gives it.

    The fields follow the question: its options, its typed count inputs
    (`input-<key>`) or one number. Numbers are read by Django's localized fields
    in the active language; every bound and the limits between inputs are the
    question's own (`scoring.input_constraints`), declared once in its rule and
    checked again by the service.
    """

    note = forms.CharField(label=_("Catatan"), required=False, max_length=5000)

    def __init__(self, data=None, *, question: scoring.QuestionSpec, **kwargs):
        super().__init__(data, **kwargs)
        self.question = question
        constraints = scoring.input_constraints(question)
        if question.options:
            self.fields["option"] = forms.ChoiceField(
                label=_("Jawaban"),
                required=False,
                choices=[("", "—"), *((key, key) for key in question.options)],
                error_messages={
                    "invalid_choice": _(
                        "Jawaban '%(value)s' tidak tersedia; pilih salah satu: %(allowed)s."
                    ).replace("%(allowed)s", ", ".join(question.options))
                },
            )
        elif question.inputs:
            for spec in question.typed_inputs:
                bounds = constraints.bounds[spec.key]
                self.fields[f"input-{spec.key}"] = CountField(
                    label=spec.label, min_value=bounds.minimum, max_value=bounds.maximum
                )
        elif "number" in constraints.bounds:
            bounds = constraints.bounds["number"]
            self.fields["number"] = NumberField(
                label=_("Nilai"),
                min_value=Decimal(str(bounds.minimum)),
                max_value=Decimal(str(bounds.maximum)),
                message=NUMBER_MESSAGES.get(question.answer_type)
                or _("Nilai harus antara %(low)s dan %(high)s.")
                % {
                    "low": formats.number_format(Decimal(str(bounds.minimum)).normalize()),
                    "high": formats.number_format(Decimal(str(bounds.maximum)).normalize()),
                },
            )

    def clean(self):
        data = super().clean()
        if self.question.inputs and not self.errors:
            typed = {key: value for key, value in self.typed_inputs().items() if value is not None}
            values = scoring.computed_inputs(self.question, typed)
            labels = {spec.key: spec.label for spec in self.question.inputs}
            for limit in scoring.broken_limits(self.question, typed):
                field = f"input-{limit.key}"
                self.add_error(
                    field if field in self.fields else None,
                    forms.ValidationError(
                        _("%(part)s (%(value)s) tidak boleh lebih dari %(whole)s (%(limit)s).")
                        % {
                            "part": labels[limit.key],
                            "value": formats.number_format(values[limit.key], 0),
                            "whole": labels[limit.at_most],
                            "limit": formats.number_format(values[limit.at_most], 0),
                        },
                        code="limit",
                    ),
                )
        return data

    def typed_inputs(self) -> dict[str, int | None]:
        return {
            spec.key: self.cleaned_data.get(f"input-{spec.key}")
            for spec in self.question.typed_inputs
        }

    def answer(self) -> scoring.AnswerData:
        """The cleaned answer (call after is_valid())."""
        if self.question.options:
            return scoring.AnswerData(option=self.cleaned_data.get("option") or None)
        if self.question.inputs:
            typed = {key: value for key, value in self.typed_inputs().items() if value is not None}
            return scoring.AnswerData(inputs=typed)
        number = self.cleaned_data.get("number")
        return scoring.AnswerData(number=None if number is None else float(number))

    def messages(self) -> list[str]:
        """Every error; a count's with its label first ("Jumlah Agen Perubahan: jumlah tidak
        boleh negatif."), a limit's as it is (it names both inputs)."""
        found = []
        for name, errors in self.errors.as_data().items():
            label = self.fields[name].label if name.startswith("input-") else None
            for error in errors:
                text = " ".join(error.messages)
                found.append(f"{label}: {text}" if label and error.code != "limit" else text)
        return found


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"), choices=Decision.choices, widget=forms.RadioSelect
    )
    decree_number = forms.CharField(
        label=_("Nomor keputusan menteri"), max_length=150, required=False
    )
    decree_date = DateField(label=_("Tanggal keputusan"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Catatan (wajib bila predikat tidak diberikan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    override_reason = forms.CharField(
        label=_(
            "Pertimbangan (wajib bila predikat ditetapkan walau lapis TPN belum memenuhi nilai ambang)"
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.AWARDED:
            if not data.get("decree_number"):
                self.add_error(
                    "decree_number", _("Nomor keputusan wajib diisi bila predikat diberikan.")
                )
            if not data.get("decree_date"):
                self.add_error(
                    "decree_date", _("Tanggal keputusan wajib diisi bila predikat diberikan.")
                )
        return data


class ProposalForm(forms.Form):
    letter_number = forms.CharField(label=_("Nomor surat usulan"), max_length=150)
    letter_date = DateField(label=_("Tanggal surat"), widget=DateInput())
    sptjm = forms.FileField(label=_("SPTJM (PDF bertanda tangan pimpinan instansi)"))
    cycles = forms.ModelMultipleChoiceField(
        label=_("Unit yang diusulkan"),
        queryset=Cycle.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycles"].queryset = Cycle.objects.filter(
            pk__in=[c.pk for c in cycles]
        ).select_related("unit")
        self.fields["cycles"].label_from_instance = lambda cycle: (
            f"{cycle.unit.name} — {cycle.get_target_display()}"
        )


class RevokeForm(forms.Form):
    revoked_on = DateField(label=_("Tanggal pencabutan"), widget=DateInput())
    decree_number = forms.CharField(label=_("Nomor keputusan pencabutan"), max_length=150)
    reason = forms.CharField(label=_("Alasan pencabutan"), widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("Umum")
    )
    text = forms.CharField(
        label=_("Rekomendasi"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = DateField(label=_("Batas tindak lanjut"), required=False, widget=DateInput())

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            framework=cycle.framework, is_active=True, component__isnull=False
        ).order_by("order")


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("Tindak lanjut yang sudah dilakukan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = LibraryDocumentField(label=_("Bukti dari pustaka unit"))
    file = forms.FileField(
        label=_("Atau unggah bukti baru"),
        required=False,
        help_text=_("PDF, gambar atau dokumen Office."),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["evidence"].for_library_of(unit, self["evidence"].value())


class VerdictForm(forms.Form):
    done = forms.TypedChoiceField(
        label=_("Putusan"),
        coerce=lambda value: value == "1",
        choices=[("1", _("Selesai")), ("0", _("Belum selesai"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Catatan (wajib bila belum selesai)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("done") is False and not (data.get("note") or "").strip():
            self.add_error("note", _("Tuliskan mengapa tindak lanjut belum memadai."))
        return data


class AssignmentForm(forms.Form):
    """An area (or one question, by its code) given to a member of the team."""

    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label="—"
    )
    question = forms.CharField(
        label=_("Atau satu pertanyaan (kode)"),
        max_length=80,
        required=False,
        help_text=_("Misalnya A.MP.PMN.i.a."),
    )
    assignee = forms.TypedChoiceField(label=_("Anggota tim"), coerce=int)
    due_date = DateField(label=_("Tenggat"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)

    def __init__(self, *args, cycle, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.members = {person.pk: person for person in members}
        self.fields["area"].queryset = Area.objects.filter(
            framework=cycle.framework, is_active=True, component__isnull=False
        ).order_by("order")
        self.fields["assignee"].choices = [(pk, str(person)) for pk, person in self.members.items()]

    def clean_assignee(self):
        return self.members[self.cleaned_data["assignee"]]

    def clean_question(self):
        code = self.cleaned_data["question"].strip()
        if not code:
            return None
        question = Question.objects.filter(
            framework=self.cycle.framework, code=code, is_active=True
        ).first()
        if question is None:
            raise forms.ValidationError(
                _("Pertanyaan %(code)s tidak ada di LKE siklus ini.") % {"code": code}
            )
        return question

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("area") is None) == (data.get("question") is None):
            raise forms.ValidationError(_("Pilih satu area atau tulis satu kode pertanyaan."))
        return data
