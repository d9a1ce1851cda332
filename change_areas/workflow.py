"""The review workflow: every stage transition of a cycle, as a service.

submit → (pre-assessment →) TPI evaluation ⇄ revision by the unit → finalise →
proposal → TPN evaluation → decision; plus per-question review marks, comment
threads, and awarding and revoking predicates. Each function checks the
actor's permission, refuses an illegal transition with a clear message,
records a CycleEvent (actor and time) and history, and tells the people
concerned.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from change_areas import notifications, selectors, services
from change_areas.models import (
    Answer,
    Comment,
    Cycle,
    CycleEvent,
    Decision,
    Evidence,
    Layer,
    PredicateAward,
    Proposal,
    Question,
    QuestionReview,
    ReviewStatus,
    Stage,
)
from units import access
from units.access import Perm
from units.models import Role, Unit

REVIEW_LAYER_OF_STAGE = {Stage.PENILAIAN_PENDAHULUAN: Layer.PRE, Stage.EVALUASI_TPI: Layer.TPI}
STAGE_OF_REVIEW_LAYER = {Layer.PRE: Stage.PENILAIAN_PENDAHULUAN, Layer.TPI: Stage.EVALUASI_TPI}
PERM_OF_LAYER = services.LAYER_PERMS
ROLE_OF_LAYER = {
    Layer.PRE: Role.PRE_REVIEWER,
    Layer.TPI: Role.TPI_REVIEWER,
    Layer.TPN: Role.TPN_REVIEWER,
}


def _locked(cycle_pk: int) -> Cycle:
    return Cycle.objects.select_for_update().select_related("unit", "framework").get(pk=cycle_pk)


def _refuse(cycle: Cycle, action: str) -> ValidationError:
    return ValidationError(
        _("Tidak dapat %(action)s: siklus berada pada tahap %(stage)s.")
        % {"action": action, "stage": cycle.get_stage_display()}
    )


def _move(
    cycle: Cycle, stage: str, *, action: str, by, note: str = "", fields: tuple = ()
) -> CycleEvent:
    before = cycle.stage
    cycle.stage = stage
    if by is not None:
        cycle._history_user = by
    cycle._change_reason = action
    cycle.save(update_fields=["stage", *fields])
    return CycleEvent.objects.create(
        cycle=cycle, action=action, stage_before=before, stage_after=stage, note=note, actor=by
    )


def _url(cycle: Cycle) -> str:
    return reverse("change_areas:cycle_overview", kwargs={"pk": cycle.pk})


def _review_url(cycle: Cycle, layer: str) -> str:
    return reverse(
        "change_areas:review", kwargs={"pk": cycle.pk, "layer": layer, "area_code": "A.MP"}
    )


def _copy_layer(cycle: Cycle, source: str, target: str, *, by) -> int:
    """Pre-fill a reviewer layer with another layer's answers where it has none yet."""
    existing = set(
        Answer.objects.filter(cycle=cycle, layer=target).values_list("question_id", flat=True)
    )
    copies = [
        Answer(
            cycle=cycle,
            question_id=answer.question_id,
            layer=target,
            option=answer.option,
            number=answer.number,
            inputs=answer.inputs,
            value=answer.value,
            note="",
            updated_by=by,
        )
        for answer in Answer.objects.filter(cycle=cycle, layer=source)
        if answer.question_id not in existing
    ]
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(
        copies, Answer, default_user=by, default_change_reason=f"prefill {target} from {source}"
    )
    services.cycle_refresh_summary(cycle=cycle, layer=target)
    return len(copies)


def _open_reviews(cycle: Cycle, layer: str) -> None:
    """A pending review row for every active question of the layer that has none."""
    done = set(
        QuestionReview.objects.filter(cycle=cycle, layer=layer).values_list(
            "question_id", flat=True
        )
    )
    QuestionReview.objects.bulk_create(
        [
            QuestionReview(cycle=cycle, question_id=pk, layer=layer)
            for pk in Question.objects.filter(
                framework=cycle.framework, is_active=True
            ).values_list("pk", flat=True)
            if pk not in done
        ]
    )


# --------------------------------------------------------------------------
# The unit's side


@transaction.atomic
def cycle_submit(*, cycle: Cycle, by) -> Cycle:
    """The coordinator submits the self-assessment to the pre-assessor or the TPI."""
    cycle = _locked(cycle.pk)
    if by is not None:
        access.check(by, cycle.unit, Perm.SUBMIT_SELF)
    if cycle.stage not in (Stage.PEMBANGUNAN, Stage.PENILAIAN_MANDIRI):
        raise _refuse(cycle, _("mengajukan penilaian mandiri"))
    summary = cycle.summary(Layer.SELF)
    pengungkit = next(
        (node for code, node in summary.get("components", {}).items() if code == "A"), None
    )
    if pengungkit and pengungkit["answered"] < pengungkit["questions"]:
        raise ValidationError(
            _(
                "Masih ada %(count)d pertanyaan pengungkit yang belum dijawab; lengkapi sebelum mengajukan."
            )
            % {"count": pengungkit["questions"] - pengungkit["answered"]}
        )
    layer = Layer.PRE if cycle.pre_assessment else Layer.TPI
    cycle.submitted_at = timezone.now()
    _move(cycle, STAGE_OF_REVIEW_LAYER[layer], action="submit", by=by, fields=("submitted_at",))
    _copy_layer(cycle, Layer.SELF, layer, by=by)
    _open_reviews(cycle, layer)
    notifications.notify(
        notifications.reviewers(cycle, ROLE_OF_LAYER[layer]),
        verb="submit",
        subject=_("LKE %(unit)s siap dinilai") % {"unit": cycle.unit},
        message=_("%(unit)s mengajukan penilaian mandiri %(year)s untuk dinilai.")
        % {"unit": cycle.unit, "year": cycle.year},
        url=_review_url(cycle, layer),
        cycle=cycle,
        exclude=by,
    )
    return cycle


def returned_questions(cycle: Cycle) -> dict[int, QuestionReview]:
    """The questions sent back to the unit in the current revision, by question id. One query."""
    if cycle.stage != Stage.PERBAIKAN or not cycle.revision_layer:
        return {}
    return {
        review.question_id: review
        for review in QuestionReview.objects.filter(
            cycle=cycle, layer=cycle.revision_layer, status=ReviewStatus.NEEDS_REVISION
        )
    }


@transaction.atomic
def cycle_resubmit(*, cycle: Cycle, by) -> Cycle:
    """The unit sends its fixed answers back to the reviewer who returned them."""
    cycle = _locked(cycle.pk)
    if by is not None:
        access.check(by, cycle.unit, Perm.SUBMIT_SELF)
    if cycle.stage != Stage.PERBAIKAN:
        raise _refuse(cycle, _("mengajukan ulang"))
    layer = cycle.revision_layer or Layer.TPI
    reviews = list(
        QuestionReview.objects.select_for_update().filter(
            cycle=cycle, layer=layer, status=ReviewStatus.NEEDS_REVISION
        )
    )
    for review in reviews:
        review.status = ReviewStatus.REVISED
        review.revision_count += 1
        if by is not None:
            review._history_user = by
        review._change_reason = "resubmit"
        review.save(update_fields=["status", "revision_count"])
    cycle.revision_layer = ""
    _move(
        cycle,
        STAGE_OF_REVIEW_LAYER[layer],
        action="resubmit",
        by=by,
        note=_("%(count)d pertanyaan diperbaiki") % {"count": len(reviews)},
        fields=("revision_layer",),
    )
    notifications.notify(
        notifications.reviewers(cycle, ROLE_OF_LAYER[layer]),
        verb="resubmit",
        subject=_("Perbaikan LKE %(unit)s") % {"unit": cycle.unit},
        message=_("%(unit)s telah memperbaiki %(count)d pertanyaan yang dikembalikan.")
        % {"unit": cycle.unit, "count": len(reviews)},
        url=_review_url(cycle, layer),
        cycle=cycle,
        exclude=by,
    )
    return cycle


# --------------------------------------------------------------------------
# The reviewers' side


@transaction.atomic
def review_mark(
    *, cycle: Cycle, question: Question, layer: str, status: str, reason: str = "", by
) -> QuestionReview:
    """Mark the unit's answer diterima or perlu perbaikan (with a reason)."""
    cycle = _locked(cycle.pk)
    if layer not in (Layer.PRE, Layer.TPI):
        raise ValidationError(
            _("Hanya penilaian pendahuluan dan TPI yang meninjau per pertanyaan.")
        )
    if by is not None:
        access.check(by, cycle.unit, PERM_OF_LAYER[layer])
        editable, why = services.layer_edit_state(cycle, layer, by)
        if not editable:
            raise PermissionDenied(why)
    if status not in (ReviewStatus.ACCEPTED, ReviewStatus.NEEDS_REVISION):
        raise ValidationError(_("Status tinjauan tidak dikenal."))
    reason = reason.strip()
    if status == ReviewStatus.NEEDS_REVISION and not reason:
        raise ValidationError(_("Tuliskan alasan mengapa pertanyaan ini perlu diperbaiki."))
    review, _created = QuestionReview.objects.select_for_update().get_or_create(
        cycle=cycle, question=question, layer=layer
    )
    review.status = status
    review.reason = reason
    review.reviewed_by = by
    review.reviewed_at = timezone.now()
    if by is not None:
        review._history_user = by
    review._change_reason = "review_mark"
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_accept_open(*, cycle: Cycle, layer: str, area_codes: list[str], by) -> int:
    """Accept every question of the given areas that is still open (not reviewed or revised)."""
    cycle = _locked(cycle.pk)
    if by is not None:
        access.check(by, cycle.unit, PERM_OF_LAYER[layer])
        editable, why = services.layer_edit_state(cycle, layer, by)
        if not editable:
            raise PermissionDenied(why)
    reviews = list(
        QuestionReview.objects.filter(
            cycle=cycle,
            layer=layer,
            status__in=[ReviewStatus.PENDING, ReviewStatus.REVISED],
            question__indicator__area__code__in=area_codes,
        )
    )
    now = timezone.now()
    for review in reviews:
        review.status = ReviewStatus.ACCEPTED
        review.reviewed_by = by
        review.reviewed_at = now
    from simple_history.utils import bulk_update_with_history

    bulk_update_with_history(
        reviews,
        QuestionReview,
        ["status", "reviewed_by", "reviewed_at"],
        default_user=by,
        default_change_reason="review_accept_open",
    )
    return len(reviews)


@transaction.atomic
def cycle_return(*, cycle: Cycle, layer: str, by, note: str = "") -> Cycle:
    """Send the questions marked perlu perbaikan back to the unit; everything else stays locked."""
    cycle = _locked(cycle.pk)
    if by is not None:
        access.check(by, cycle.unit, PERM_OF_LAYER.get(layer, Perm.ADMINISTER))
    if REVIEW_LAYER_OF_STAGE.get(cycle.stage) != layer:
        raise _refuse(cycle, _("mengembalikan untuk perbaikan"))
    if by is not None:
        editable, why = services.layer_edit_state(cycle, layer, by)
        if not editable:
            raise PermissionDenied(why)
    returned = list(
        QuestionReview.objects.filter(
            cycle=cycle, layer=layer, status=ReviewStatus.NEEDS_REVISION
        ).select_related("question")
    )
    if not returned:
        raise ValidationError(
            _("Tandai dahulu pertanyaan yang perlu diperbaiki, dengan alasannya.")
        )
    cycle.revision_layer = layer
    _move(
        cycle,
        Stage.PERBAIKAN,
        action="return",
        by=by,
        note=note or ", ".join(review.question.code for review in returned),
        fields=("revision_layer",),
    )
    notifications.notify(
        notifications.unit_team(cycle),
        verb="return",
        subject=_("LKE %(unit)s dikembalikan untuk perbaikan") % {"unit": cycle.unit},
        message=_("Penilai mengembalikan %(count)d pertanyaan untuk diperbaiki: %(codes)s.")
        % {"count": len(returned), "codes": ", ".join(review.question.code for review in returned)},
        url=_url(cycle),
        cycle=cycle,
        exclude=by,
    )
    return cycle


def _require_all_reviewed(cycle: Cycle, layer: str) -> None:
    open_reviews = (
        QuestionReview.objects.filter(cycle=cycle, layer=layer)
        .exclude(status=ReviewStatus.ACCEPTED)
        .count()
    )
    if open_reviews:
        raise ValidationError(
            _(
                "Masih ada %(count)d pertanyaan yang belum diterima; tinjau semuanya atau kembalikan yang perlu diperbaiki."
            )
            % {"count": open_reviews}
        )


@transaction.atomic
def cycle_pass_pre_assessment(*, cycle: Cycle, by) -> Cycle:
    """The pre-assessor finds the unit ready for the TPI."""
    cycle = _locked(cycle.pk)
    if by is not None:
        access.check(by, cycle.unit, Perm.REVIEW_PRE)
    if cycle.stage != Stage.PENILAIAN_PENDAHULUAN:
        raise _refuse(cycle, _("meluluskan penilaian pendahuluan"))
    _require_all_reviewed(cycle, Layer.PRE)
    cycle.pre_passed_at = timezone.now()
    _move(cycle, Stage.EVALUASI_TPI, action="pass_pre", by=by, fields=("pre_passed_at",))
    _copy_layer(cycle, Layer.SELF, Layer.TPI, by=by)
    _open_reviews(cycle, Layer.TPI)
    notifications.notify(
        notifications.reviewers(cycle, Role.TPI_REVIEWER),
        verb="submit",
        subject=_("LKE %(unit)s siap dinilai TPI") % {"unit": cycle.unit},
        message=_("%(unit)s lulus penilaian pendahuluan dan siap dievaluasi TPI.")
        % {"unit": cycle.unit},
        url=_review_url(cycle, Layer.TPI),
        cycle=cycle,
        exclude=by,
    )
    return cycle


@transaction.atomic
def cycle_finalise_tpi(*, cycle: Cycle, by) -> Cycle:
    """The TPI finalises its evaluation; the TPI layer is locked from then on."""
    cycle = _locked(cycle.pk)
    if by is not None:
        access.check(by, cycle.unit, Perm.REVIEW_TPI)
    if cycle.stage != Stage.EVALUASI_TPI:
        raise _refuse(cycle, _("memfinalkan penilaian TPI"))
    _require_all_reviewed(cycle, Layer.TPI)
    cycle.tpi_finalised_at = timezone.now()
    _move(cycle, Stage.PENGUSULAN, action="finalise_tpi", by=by, fields=("tpi_finalised_at",))
    services.cycle_refresh_summary(cycle=cycle, layer=Layer.TPI)
    total = cycle.summary(Layer.TPI).get("total", 0)
    notifications.notify(
        notifications.unit_team(cycle),
        verb="finalise",
        subject=_("Penilaian TPI %(unit)s final") % {"unit": cycle.unit},
        message=_("Penilaian TPI %(year)s sudah final dengan nilai %(total)s.")
        % {"year": cycle.year, "total": f"{total:.2f}".replace(".", ",")},
        url=reverse("change_areas:comparison", kwargs={"pk": cycle.pk}),
        cycle=cycle,
        exclude=by,
    )
    return cycle


# --------------------------------------------------------------------------
# Proposal, TPN and decision


def proposal_blockers(cycle: Cycle) -> list[str]:
    """Why the cycle cannot be proposed to the TPN (empty when it can)."""
    reasons = []
    if cycle.stage != Stage.PENGUSULAN:
        reasons.append(
            _("Penilaian TPI belum final (tahap %(stage)s).") % {"stage": cycle.get_stage_display()}
        )
    eligibility = cycle.summary(Layer.TPI).get("eligibility", {}).get(cycle.target, {})
    if not eligibility.get("eligible"):
        reasons += [failure["message"] for failure in eligibility.get("failed", [])] or [
            _("Nilai TPI belum memenuhi nilai ambang.")
        ]
    for check in selectors.prerequisite_checklist(cycle):
        if check.met is not True:
            reasons.append(
                _("Syarat pengusulan: %(name)s (%(value)s).")
                % {
                    "name": check.prerequisite.name,
                    "value": check.display_value or _("belum dicatat"),
                }
            )
    return reasons


@transaction.atomic
def proposal_create(
    *,
    instansi: Unit,
    year: int,
    letter_number: str,
    letter_date: datetime.date,
    sptjm: Evidence,
    cycles: list[Cycle],
    by,
    note: str = "",
) -> Proposal:
    """One proposal letter of an instansi to the TPN, for the cycles that meet every requirement."""
    if by is not None:
        access.check(by, instansi, Perm.ADMINISTER)
    if instansi.depth != 1:
        raise ValidationError(_("Surat usulan dibuat oleh instansi (unit teratas)."))
    if not cycles:
        raise ValidationError(_("Pilih sekurang-kurangnya satu unit untuk diusulkan."))
    if sptjm.unit_id != instansi.pk:
        raise ValidationError(_("SPTJM harus diunggah sebagai dokumen instansi."))
    problems = []
    locked = [_locked(cycle.pk) for cycle in cycles]
    for cycle in locked:
        if not cycle.unit.path.startswith(instansi.path) or cycle.year != year:
            problems.append(
                _("%(unit)s bukan unit %(instansi)s tahun %(year)s.")
                % {"unit": cycle.unit, "instansi": instansi, "year": year}
            )
            continue
        problems += [f"{cycle.unit}: {reason}" for reason in proposal_blockers(cycle)]
    if problems:
        raise ValidationError(problems)
    proposal = Proposal(
        instansi=instansi,
        year=year,
        letter_number=letter_number.strip(),
        letter_date=letter_date,
        sptjm=sptjm,
        note=note,
        created_by=by,
    )
    proposal.full_clean()
    if by is not None:
        proposal._history_user = by
    proposal.save()
    for cycle in locked:
        cycle.proposal = proposal
        _move(
            cycle,
            Stage.EVALUASI_TPN,
            action="propose",
            by=by,
            note=proposal.letter_number,
            fields=("proposal",),
        )
        _copy_layer(cycle, Layer.TPI, Layer.TPN, by=by)
        notifications.notify(
            notifications.reviewers(cycle, Role.TPN_REVIEWER),
            verb="propose",
            subject=_("Usulan %(unit)s untuk evaluasi TPN") % {"unit": cycle.unit},
            message=_(
                "%(instansi)s mengusulkan %(unit)s untuk predikat %(target)s (surat %(number)s)."
            )
            % {
                "instansi": instansi,
                "unit": cycle.unit,
                "target": cycle.get_target_display(),
                "number": proposal.letter_number,
            },
            url=_url(cycle),
            cycle=cycle,
            exclude=by,
        )
    return proposal


@transaction.atomic
def cycle_decide(
    *,
    cycle: Cycle,
    decision: str,
    by,
    decree_number: str = "",
    decree_date: datetime.date | None = None,
    note: str = "",
) -> Cycle:
    """Record the TPN's decision; awarding creates the predicate with its decree."""
    cycle = _locked(cycle.pk)
    if by is not None:
        access.check(by, cycle.unit, Perm.REVIEW_TPN)
    if cycle.stage != Stage.EVALUASI_TPN:
        raise _refuse(cycle, _("memutuskan"))
    if decision not in Decision.values:
        raise ValidationError(_("Keputusan tidak dikenal."))
    if decision == Decision.AWARDED:
        predicate_award(
            unit=cycle.unit,
            predicate=cycle.target,
            year=cycle.year,
            decree_number=decree_number,
            decree_date=decree_date,
            cycle=cycle,
            by=None,
        )
    elif not note.strip():
        raise ValidationError(_("Tuliskan alasan bila predikat tidak diberikan."))
    cycle.decision = decision
    cycle.decided_at = timezone.now()
    cycle.decision_note = note.strip()
    services.cycle_refresh_summary(cycle=cycle, layer=Layer.TPN)
    _move(
        cycle,
        Stage.KEPUTUSAN,
        action="decide",
        by=by,
        note=Decision(decision).label,
        fields=("decision", "decided_at", "decision_note"),
    )
    notifications.notify(
        [*notifications.unit_team(cycle), *notifications.reviewers(cycle, Role.TPI_REVIEWER)],
        verb="decision",
        subject=_("Keputusan %(target)s untuk %(unit)s")
        % {"target": cycle.get_target_display(), "unit": cycle.unit},
        message=(
            _("Selamat: %(unit)s memperoleh predikat %(target)s (%(decree)s).")
            if decision == Decision.AWARDED
            else _("%(unit)s belum memperoleh predikat %(target)s. %(note)s")
        )
        % {
            "unit": cycle.unit,
            "target": cycle.get_target_display(),
            "decree": decree_number,
            "note": note,
        },
        url=_url(cycle),
        cycle=cycle,
        exclude=by,
    )
    return cycle


# --------------------------------------------------------------------------
# Predicates


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
) -> PredicateAward:
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
            revoked_on__gt=decree_date - datetime.timedelta(days=730),
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
    )
    award.full_clean()
    if by is not None:
        award._history_user = by
    award._change_reason = "predicate_award"
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
    if by is not None:
        award._history_user = by
    award._change_reason = "predicate_revoke"
    award.save()
    if award.cycle_id:
        CycleEvent.objects.create(
            cycle_id=award.cycle_id, action="revoke", note=award.revocation_reason, actor=by
        )
    return award


# --------------------------------------------------------------------------
# Comments


def comment_side(cycle: Cycle, user) -> str | None:
    """Which side the person speaks for on the cycle's threads, or None if they may not write."""
    perms = access.perms_on(user, cycle.unit)
    for layer in (Layer.TPN, Layer.TPI, Layer.PRE):
        if PERM_OF_LAYER[layer] in perms and not user.is_superuser:
            return layer
    if Perm.EDIT_SELF in perms:
        return Layer.SELF
    return None


@transaction.atomic
def comment_add(*, cycle: Cycle, question: Question, body: str, by) -> Comment:
    cycle = Cycle.objects.select_related("unit").get(pk=cycle.pk)  # the stage as it is now
    access.check(by, cycle.unit, Perm.VIEW)
    side = comment_side(cycle, by)
    if side is None:
        raise PermissionDenied(_("Peran Anda tidak dapat menulis di utas ini."))
    body = body.strip()
    if not body:
        raise ValidationError(_("Komentar kosong."))
    if len(body) > 5000:
        raise ValidationError(_("Komentar terlalu panjang (paling banyak 5.000 karakter)."))
    if question.framework_id != cycle.framework_id:
        raise ValidationError(_("Pertanyaan ini bukan bagian dari LKE siklus ini."))
    comment = Comment.objects.create(
        cycle=cycle, question=question, author=by, author_side=side, body=body
    )
    if side != Layer.SELF:
        other = notifications.unit_team(cycle)
    else:
        reviewing = cycle.revision_layer or {
            Stage.PENILAIAN_PENDAHULUAN: Layer.PRE,
            Stage.EVALUASI_TPN: Layer.TPN,
        }.get(cycle.stage, Layer.TPI)
        other = notifications.reviewers(cycle, ROLE_OF_LAYER[reviewing])
    notifications.notify(
        other,
        verb="comment",
        subject=_("Komentar pada %(code)s") % {"code": question.code},
        message=_("%(who)s menulis pada %(code)s: %(body)s")
        % {"who": by, "code": question.code, "body": body[:200]},
        url=_url(cycle),
        cycle=cycle,
        exclude=by,
    )
    return comment
