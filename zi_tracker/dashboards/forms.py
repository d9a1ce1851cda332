"""Filter forms of the dashboards (GET). A value that is not offered is reported and ignored."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from change_areas.models import Framework, Predicate, Stage
from units.models import UnitKind
from zi_tracker.dashboards import selectors

ELIGIBILITY_CHOICES = [
    ("", _("Semua")),
    *((key, option.label) for key, option in selectors.ELIGIBILITY_FILTERS.items()),
]
SORT_CHOICES = [(key, option.label) for key, option in selectors.SORTS.items()]
LAYER_PAIR_CHOICES = [(key, pair.label) for key, pair in selectors.LAYER_PAIRS.items()]


class _YearFramework(forms.Form):
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int, required=False)
    framework = forms.ChoiceField(label=_("Kerangka"), required=False)

    def __init__(self, data, *, years: list[int], frameworks: list[Framework], **kwargs):
        super().__init__(data, **kwargs)
        self.years = years
        self.frameworks = {framework.code: framework for framework in frameworks}
        self.fields["year"].choices = [(year, str(year)) for year in years] or [("", "—")]
        self.fields["framework"].choices = [(f.code, f.short_name or f.name) for f in frameworks]

    def chosen_year(self) -> int:
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return year or selectors.default_year(self.years)

    def chosen_framework(self) -> Framework | None:
        code = self.cleaned_data.get("framework") if self.is_valid() else None
        if code and code in self.frameworks:
            return self.frameworks[code]
        return next(iter(self.frameworks.values()), None)


class PortfolioFilterForm(_YearFramework):
    kind = forms.ChoiceField(label=_("Jenis unit"), required=False)
    province = forms.ChoiceField(label=_("Provinsi"), required=False)
    stage = forms.ChoiceField(label=_("Tahap"), required=False)
    eligibility = forms.ChoiceField(
        label=_("Kelayakan"), required=False, choices=ELIGIBILITY_CHOICES
    )
    q = forms.CharField(label=_("Cari unit"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Urutkan"), required=False, choices=SORT_CHOICES)
    order = forms.ChoiceField(
        label=_("Arah"),
        required=False,
        choices=[("asc", _("Naik")), ("desc", _("Turun"))],
    )

    def __init__(self, data, *, provinces: list[str], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["kind"].choices = [("", _("Semua")), *list(UnitKind.choices)]
        self.fields["province"].choices = [("", _("Semua"))] + [(p, p) for p in provinces]
        self.fields["stage"].choices = [
            ("", _("Semua")),
            *list(Stage.choices),
            (selectors.NO_CYCLE, _("Belum ada siklus")),
        ]

    def filters(self) -> selectors.PortfolioFilters | None:
        framework = self.chosen_framework()
        if framework is None:
            return None
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.PortfolioFilters(
            year=self.chosen_year(),
            framework=framework,
            kind=data.get("kind", ""),
            province=data.get("province", ""),
            stage=data.get("stage", ""),
            eligibility=data.get("eligibility", ""),
            query=(data.get("q") or "").strip(),
            sort=data.get("sort") or "unit",
            descending=data.get("order") == "desc",
        )


class CalibrationForm(_YearFramework):
    layers = forms.ChoiceField(label=_("Perbandingan"), required=False, choices=LAYER_PAIR_CHOICES)

    def pair(self) -> tuple[str, str, str]:
        key = (self.cleaned_data.get("layers") if self.is_valid() else "") or "self-tpi"
        pair = selectors.LAYER_PAIRS[key]
        return key, pair.first, pair.second


class RegistryFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int, required=False, empty_value=None)
    predicate = forms.ChoiceField(label=_("Predikat"), required=False)
    province = forms.ChoiceField(label=_("Provinsi"), required=False)
    kind = forms.ChoiceField(label=_("Jenis unit"), required=False)
    q = forms.CharField(label=_("Cari unit atau nomor keputusan"), required=False, max_length=100)
    revoked = forms.BooleanField(label=_("Tampilkan juga yang dicabut"), required=False)

    def __init__(self, data, *, years: list[int], provinces: list[str], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("Semua"))] + [(y, str(y)) for y in years]
        self.fields["predicate"].choices = [("", _("Semua")), *list(Predicate.choices)]
        self.fields["province"].choices = [("", _("Semua"))] + [(p, p) for p in provinces]
        self.fields["kind"].choices = [("", _("Semua")), *list(UnitKind.choices)]

    def filters(self) -> selectors.RegistryFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.RegistryFilters(
            year=data.get("year"),
            predicate=data.get("predicate", ""),
            province=data.get("province", ""),
            kind=data.get("kind", ""),
            query=(data.get("q") or "").strip(),
            include_revoked=bool(data.get("revoked")),
        )
