"""Template filters for service standards: rupiah amounts, durations, grades."""

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from service_standards.models import DurationUnit

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Rp1.500.000,00 in Indonesian (the active language's separators)."""
    if value in (None, ""):
        return ""
    amount = formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    return f"Rp{amount}"


@register.filter
def fee(version) -> str:
    """The biaya/tarif component in one line: "Gratis" or "Rp…", with its note."""
    if version.is_free:
        return _("Tidak dipungut biaya (gratis)")
    text = rupiah(version.fee_amount)
    if version.fee_note:
        text = f"{text} {version.fee_note}"
    return text


@register.filter
def duration(version) -> str:
    """ "14 hari kerja", or "" when not filled."""
    if version.duration_value is None or not version.duration_unit:
        return ""
    return f"{version.duration_value} {DurationUnit(version.duration_unit).label}"


@register.filter
def decimal2(value) -> str:
    """A number with two decimals in the active language (88,31)."""
    if value is None:
        return "—"
    return formats.number_format(Decimal(value), 2, use_l10n=True)


@register.filter
def grade_class(grade: str) -> str:
    return {"A": "ok", "B": "ok", "C": "warning", "D": "danger"}.get(grade or "", "muted")


HISTORY_REASONS = {
    "service_create": N_("Layanan dibuat"),
    "service_update": N_("Layanan diubah"),
    "version_create": N_("Draf dibuat"),
    "version_update": N_("Draf diubah"),
    "version_delete": N_("Draf dihapus"),
    "version_publish": N_("Diterbitkan"),
    "version_superseded": N_("Diganti oleh versi %(detail)s"),
    "survey_create": N_("Periode dibuat"),
    "survey_import": N_("Data %(detail)s responden diimpor"),
    "survey_set_averages": N_("Rata-rata per unsur diisi"),
    "survey_recompute": N_("Hasil dihitung ulang"),
    "survey_publish": N_("Dipublikasikan"),
    "survey_unpublish": N_("Publikasi ditarik"),
}


@register.filter
def history_reason(record) -> str:
    """A history row's change reason in words ("Diterbitkan"); reasons are stored as keys."""
    reason = record.history_change_reason or ""
    key, _space, detail = reason.partition(" ")
    if key in HISTORY_REASONS:
        return _(HISTORY_REASONS[key]) % {"detail": detail}
    return reason or record.get_history_type_display()
