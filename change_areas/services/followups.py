"""Recommendations and their follow-up (tindak lanjut).

Capabilities: a reviewer layer's people (REVIEW_TPI for the TPI's, REVIEW_TPN for
the TPN's) write recommendations once the cycle has reached their layer, and
judge the unit's follow-up; the unit's team (EDIT_SELF) reports what it did.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from change_areas import notifications, tallies, workflow
from change_areas.models import (
    Area,
    Cycle,
    Evidence,
    FollowUp,
    Layer,
    Recommendation,
    RecommendationStatus,
    Verdict,
)
from change_areas.services.history import locked
from lib.writes import record
from units import access
from units.access import Perm

RECOMMENDING_LAYERS = (Layer.TPI, Layer.TPN)


def _url(cycle: Cycle) -> str:
    return reverse("change_areas:followups", kwargs={"pk": cycle.pk})


def _check_reviewer(cycle: Cycle, layer: str, by) -> None:
    if layer not in RECOMMENDING_LAYERS:
        raise ValidationError(_("Rekomendasi ditulis oleh TPI atau TPN."))
    if by is not None:
        access.check(by, cycle.unit, workflow.LAYER_PERMS[Layer(layer)])
    if not cycle.summary(layer):
        raise PermissionDenied(_("Siklus ini belum sampai pada penilaian lapis ini."))


@transaction.atomic
def recommendation_add(
    *,
    cycle: Cycle,
    layer: str,
    text: str,
    by,
    area: Area | None = None,
    due_date: datetime.date | None = None,
) -> Recommendation:
    """A reviewer layer recommends something to the unit, for one change area or in general."""
    cycle = locked(cycle.pk)  # the stage and summaries as they are now
    _check_reviewer(cycle, layer, by)
    text = text.strip()
    if not text:
        raise ValidationError(_("Tuliskan rekomendasinya."))
    if area is not None and area.framework_id != cycle.framework_id:
        raise ValidationError(_("Area ini bukan bagian dari LKE siklus ini."))
    recommendation = Recommendation(
        cycle=cycle, layer=layer, area=area, text=text, due_date=due_date, created_by=by
    )
    recommendation.full_clean()
    record(recommendation, by=by, reason="recommendation_add")
    recommendation.save()
    _count_open(cycle)
    if cycle.layer_counts(layer):  # a recommendation added after the layer's final word
        _tell_unit(recommendation, by)
    return recommendation


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation, by) -> None:
    """A recommendation the unit has not answered yet may be withdrawn."""
    _check_reviewer(recommendation.cycle, recommendation.layer, by)
    if recommendation.follow_ups.exists():
        raise ValidationError(_("Rekomendasi yang sudah ditindaklanjuti tidak dapat dihapus."))
    recommendation.delete()
    _count_open(locked(recommendation.cycle_id))


def _count_open(cycle: Cycle) -> None:
    """Keep the cycle's count of open recommendations per layer current, and the tallies
    with it (change_areas.tallies counts those of layers that count). `cycle` comes locked
    (`locked`), so two verdicts at once count each other's."""
    counts = dict(
        Recommendation.objects.open()
        .filter(cycle=cycle)
        .order_by()
        .values("layer")
        .annotate(count=Count("pk"))
        .values_list("layer", "count")
    )
    if counts != (cycle.open_recommendations or {}):
        cycle.open_recommendations = counts
        Cycle.objects.filter(pk=cycle.pk).update(open_recommendations=counts)
        tallies.follow(cycle)


def _tell_unit(recommendation: Recommendation, by) -> None:
    cycle = recommendation.cycle
    notifications.notify(
        notifications.unit_team(cycle),
        verb="recommendation",
        subject=_("Rekomendasi %(layer)s untuk %(unit)s")
        % {"layer": Layer(recommendation.layer).label, "unit": cycle.unit},
        message=_("Rekomendasi baru untuk ditindaklanjuti: %(text)s")
        % {"text": recommendation.text[:300]},
        url=_url(cycle),
        cycle=cycle,
        exclude=by,
    )


def recommendations_released(*, cycle: Cycle, layer: str, by) -> int:
    """Tell the unit its recommendations of the layer are there to follow up (when the layer
    is final). Returns how many there are."""
    count = Recommendation.objects.filter(cycle=cycle, layer=layer).count()
    if count:
        notifications.notify(
            notifications.unit_team(cycle),
            verb="recommendation",
            subject=_("Rekomendasi %(layer)s untuk %(unit)s")
            % {"layer": Layer(layer).label, "unit": cycle.unit},
            message=_("%(count)d rekomendasi %(layer)s menunggu tindak lanjut unit.")
            % {"count": count, "layer": Layer(layer).label},
            url=_url(cycle),
            cycle=cycle,
            exclude=by,
        )
    return count


@transaction.atomic
def follow_up_report(
    *,
    recommendation: Recommendation,
    note: str,
    by,
    evidence: Evidence | None = None,
) -> FollowUp:
    """The unit reports what it did on a recommendation; the reviewer then judges it."""
    recommendation = (
        Recommendation.objects.select_for_update()
        .select_related("cycle__unit")
        .get(pk=recommendation.pk)
    )
    cycle = recommendation.cycle
    if by is not None:
        access.check(by, cycle.unit, Perm.EDIT_SELF)
    if not cycle.layer_counts(recommendation.layer):
        raise ValidationError(_("Rekomendasi ditindaklanjuti setelah penilaian lapis ini final."))
    if recommendation.is_done:
        raise ValidationError(_("Rekomendasi ini sudah dinyatakan selesai."))
    note = note.strip()
    if not note:
        raise ValidationError(_("Uraikan tindak lanjut yang sudah dilakukan."))
    if evidence is not None and evidence.unit_id != cycle.unit_id:
        raise ValidationError(_("Bukti dukung harus milik unit siklus ini."))
    entry = FollowUp(
        recommendation=recommendation, side=Layer.SELF, note=note, evidence=evidence, author=by
    )
    entry.full_clean()
    entry.save()
    recommendation.status = RecommendationStatus.ANSWERED
    record(recommendation, by=by, reason="follow_up_report")
    recommendation.save(update_fields=["status"])
    notifications.notify(
        notifications.reviewers(cycle, workflow.LAYER_ROLES[Layer(recommendation.layer)]),
        verb="follow_up",
        subject=_("Tindak lanjut %(unit)s") % {"unit": cycle.unit},
        message=_("%(unit)s melaporkan tindak lanjut rekomendasi: %(text)s")
        % {"unit": cycle.unit, "text": recommendation.text[:200]},
        url=_url(cycle),
        cycle=cycle,
        exclude=by,
    )
    return entry


@transaction.atomic
def follow_up_verdict(
    *, recommendation: Recommendation, done: bool, by, note: str = ""
) -> FollowUp:
    """The reviewer marks the follow-up done (the item closes) or not done (it reopens, why)."""
    recommendation = (
        Recommendation.objects.select_for_update()
        .select_related("cycle__unit")
        .get(pk=recommendation.pk)
    )
    cycle = recommendation.cycle
    if by is not None:
        access.check(by, cycle.unit, workflow.LAYER_PERMS[Layer(recommendation.layer)])
    if recommendation.is_done:
        raise ValidationError(_("Rekomendasi ini sudah dinyatakan selesai."))
    if not recommendation.follow_ups.filter(side=Layer.SELF).exists():
        raise ValidationError(_("Unit belum melaporkan tindak lanjut rekomendasi ini."))
    note = note.strip()
    if not done and not note:
        raise ValidationError(_("Tuliskan mengapa tindak lanjut belum memadai."))
    entry = FollowUp(
        recommendation=recommendation,
        side=recommendation.layer,
        note=note or _("Tindak lanjut memadai."),
        verdict=Verdict.DONE if done else Verdict.NOT_DONE,
        author=by,
    )
    entry.full_clean()
    entry.save()
    if done:
        recommendation.status = RecommendationStatus.DONE
        recommendation.closed_at = timezone.now()
        recommendation.closed_by = by
    else:
        recommendation.status = RecommendationStatus.OPEN
    record(recommendation, by=by, reason="follow_up_verdict")
    recommendation.save(update_fields=["status", "closed_at", "closed_by"])
    _count_open(locked(cycle.pk))
    notifications.notify(
        notifications.unit_team(cycle),
        verb="follow_up",
        subject=_("Tindak lanjut %(unit)s") % {"unit": cycle.unit},
        message=(
            _("Tindak lanjut rekomendasi dinyatakan selesai: %(text)s")
            if done
            else _("Tindak lanjut rekomendasi belum selesai (%(note)s): %(text)s")
        )
        % {"text": recommendation.text[:200], "note": note},
        url=_url(cycle),
        cycle=cycle,
        exclude=by,
    )
    return entry
