"""Awarding and revoking predicates (Menuju WBK, Menuju WBBM) with their decrees."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from change_areas import selectors
from change_areas.models import (
    Cycle,
    CycleEvent,
    DecisionRoute,
    MandiriDesignation,
    PredicateAward,
)
from lib.writes import record
from units import access
from units.access import Perm
from units.models import Unit


@transaction.atomic
def predicate_award(
    *,
    unit: Unit,
    predicate: str,
    year: int,
    decree_number: str,
    decree_date: datetime.date | None,
    by,
    cycle: Cycle | None = None,
    decided_by=None,
    route: str = DecisionRoute.TPN,
    basis: str = "",
    override_reason: str = "",
) -> PredicateAward:
    """Record an awarded predicate. `by` a person: only national admins; the workflow's
    moves (TPN decision, evaluasi mandiri) call it as the system with `decided_by`."""
    if by is not None and not by.is_superuser:
        raise PermissionDenied(_("Predikat dicatat oleh TPN atau admin nasional."))
    if not decree_number.strip() or decree_date is None:
        raise ValidationError(_("Nomor dan tanggal keputusan wajib diisi."))
    if decree_date > timezone.localdate():
        raise ValidationError(_("Tanggal keputusan tidak boleh di masa depan."))
    if predicate == "wbbm" and "wbk" not in selectors.held_predicates(unit, decree_date):
        raise ValidationError(
            _("Predikat Menuju WBBM memerlukan predikat Menuju WBK yang masih berlaku.")
        )
    revoked = (
        PredicateAward.objects.filter(
            unit=unit,
            revoked_on__isnull=False,
            revoked_on__lte=decree_date,
            revoked_on__gt=decree_date - datetime.timedelta(days=2 * selectors.DAYS_PER_YEAR),
        )
        .order_by("-revoked_on")
        .first()
    )
    if revoked is not None:
        raise ValidationError(
            _(
                "Predikat %(unit)s dicabut pada %(date)s; unit tidak dapat diberi predikat dalam dua tahun sesudahnya."
            )
            % {"unit": unit, "date": date_format(revoked.revoked_on, "DATE_FORMAT")}
        )
    award = PredicateAward(
        unit=unit,
        predicate=predicate,
        year=year,
        decree_number=decree_number.strip(),
        decree_date=decree_date,
        cycle=cycle,
        decided_by=decided_by or by,
        route=route,
        basis=basis,
        override_reason=override_reason,
    )
    award.full_clean()
    record(
        award,
        by=by or decided_by,
        reason="predicate_award" + (f": {override_reason}" if override_reason else ""),
    )
    award.save()
    return award


@transaction.atomic
def predicate_revoke(
    *, award: PredicateAward, revoked_on: datetime.date, decree_number: str, reason: str, by
) -> PredicateAward:
    """Revoke a held predicate; the unit may not be proposed again for two years."""
    award = PredicateAward.objects.select_for_update().select_related("unit").get(pk=award.pk)
    if by is not None and not by.is_superuser:
        access.check(by, award.unit, Perm.ADMINISTER)
        raise PermissionDenied(
            _("Pencabutan predikat dicatat oleh admin nasional atas rekomendasi TPN.")
        )
    if award.revoked_on:
        raise ValidationError(_("Predikat ini sudah dicabut."))
    if not reason.strip() or not decree_number.strip():
        raise ValidationError(_("Nomor keputusan dan alasan pencabutan wajib diisi."))
    if revoked_on < award.decree_date or revoked_on > timezone.localdate():
        raise ValidationError(
            _("Tanggal pencabutan harus sesudah tanggal keputusan dan tidak di masa depan.")
        )
    award.revoked_on = revoked_on
    award.revocation_decree = decree_number.strip()
    award.revocation_reason = reason.strip()
    award.revoked_by = by
    record(award, by=by, reason="predicate_revoke")
    award.save()
    if award.cycle_id:
        CycleEvent.objects.create(
            cycle_id=award.cycle_id, action="revoke", note=award.revocation_reason, actor=by
        )
    return award


@transaction.atomic
def mandiri_designation_add(
    *,
    instansi: Unit,
    decree_number: str,
    decree_date: datetime.date | None,
    valid_from: int,
    valid_until: int | None = None,
    note: str = "",
    by,
) -> MandiriDesignation:
    """Record the Menteri's designation of an instansi that may evaluate Menuju WBK itself
    (PermenPAN-RB 5/2024 Lampiran II Bab II B). National admins only, like awards."""
    if by is not None and not by.is_superuser:
        access.check(by, instansi, Perm.NATIONAL)
    if instansi.depth != 1:
        raise ValidationError(_("Evaluasi mandiri ditetapkan untuk instansi (unit teratas)."))
    if not decree_number.strip() or decree_date is None:
        raise ValidationError(_("Nomor dan tanggal keputusan Menteri wajib diisi."))
    designation = MandiriDesignation(
        instansi=instansi,
        decree_number=decree_number.strip(),
        decree_date=decree_date,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note.strip(),
        recorded_by=by,
    )
    designation.full_clean()
    record(designation, by=by, reason="mandiri_designation_add")
    designation.save()
    return designation
