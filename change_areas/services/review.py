"""The review workflow's moves, as services: submit → (pre-assessment →) TPI evaluation,
with questions returned to the unit and resubmitted in rounds meanwhile →
finalise → proposal → TPN evaluation → decision; review marks per question and
comment threads.

Each move asks the workflow table (`change_areas.workflow.require`) whether
the person may make it now — capability, stage, window and guard all live
there — then records a CycleEvent (actor and time) and history, and tells
the people concerned.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from change_areas import notifications, selectors, tallies, workflow
from change_areas.models import (
    OPEN_REVIEW_STATUSES,
    Answer,
    Comment,
    Cycle,
    CycleEvent,
    Decision,
    DecisionRoute,
    Evidence,
    InstansiSetsWbk,
    Layer,
    Proposal,
    Question,
    QuestionReview,
    ReturnedQuestion,
    ReviewRound,
    ReviewStatus,
    RoundOutcome,
    Stage,
)
from change_areas.services.cycles import cycle_refresh_summary
from change_areas.services.evidence import evidence_upload
from change_areas.services.followups import recommendations_released
from change_areas.services.history import locked
from change_areas.services.predicates import predicate_award
from lib.writes import record
from units import access
from units.access import Perm
from units.models import Unit


def _move(
    cycle: Cycle,
    transition: workflow.Transition,
    *,
    by,
    note: str = "",
    fields: tuple = (),
    to: str | None = None,
) -> CycleEvent:
    """Take the move: the new stage (the table's target unless `to` says), history, timeline."""
    before = cycle.stage
    cycle.stage = to or transition.target_of(cycle)
    record(cycle, by=by, reason=transition.name)
    difference = tallies.refresh(cycle)
    cycle.save(update_fields=["stage", "tallied", *fields])
    tallies.add(cycle, difference)
    return CycleEvent.objects.create(
        cycle=cycle,
        action=transition.name,
        stage_before=before,
        stage_after=cycle.stage,
        note=note,
        actor=by,
    )


def _url(cycle: Cycle) -> str:
    return reverse("change_areas:cycle_overview", kwargs={"pk": cycle.pk})


def _review_url(cycle: Cycle, layer: str) -> str:
    return reverse(
        "change_areas:review", kwargs={"pk": cycle.pk, "layer": layer, "area_code": "A.MP"}
    )


def copy_layer(cycle: Cycle, source: str, target: str, *, by) -> int:
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
    bulk_create_with_history(
        copies, Answer, default_user=by, default_change_reason=f"prefill {target} from {source}"
    )
    cycle_refresh_summary(cycle=cycle, layer=target)
    return len(copies)


def open_reviews(cycle: Cycle, layer: str) -> None:
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


def _check_marking(cycle: Cycle, layer: str, by) -> None:
    """A reviewer marks questions only in their layer's stage and window."""
    if layer not in workflow.MARKING_LAYERS:
        raise ValidationError(
            _("Hanya penilaian pendahuluan dan TPI yang meninjau per pertanyaan.")
        )
    if by is not None:
        access.check(by, cycle.unit, workflow.LAYER_PERMS[layer])
        editable, why = workflow.layer_edit_state(cycle, layer, by)
        if not editable:
            raise PermissionDenied(why)


# --------------------------------------------------------------------------
# The unit's side


@transaction.atomic
def cycle_submit(*, cycle: Cycle, by) -> Cycle:
    """The coordinator submits the self-assessment to the pre-assessor or the TPI."""
    cycle = locked(cycle.pk)
    transition = workflow.require(cycle, "submit", by)
    layer = workflow.review_layer_after(cycle, transition)
    cycle.submitted_at = timezone.now()
    _move(cycle, transition, by=by, fields=("submitted_at",))
    copy_layer(cycle, Layer.SELF, layer, by=by)
    open_reviews(cycle, layer)
    notifications.notify(
        notifications.reviewers(cycle, workflow.LAYER_ROLES[layer]),
        verb="submit",
        subject=_("LKE %(unit)s siap dinilai") % {"unit": cycle.unit},
        message=_("%(unit)s mengajukan penilaian unit %(year)s untuk dinilai.")
        % {"unit": cycle.unit, "year": cycle.year},
        url=_review_url(cycle, layer),
        cycle=cycle,
        exclude=by,
    )
    return cycle


class UnchangedAnswers(ValidationError):
    """A resubmission would hand back returned questions whose answers are as they were
    returned; the person confirms (`confirm_unchanged=True`) and they are recorded so."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(
            ngettext(
                "%(count)d pertanyaan belum diubah sejak dikembalikan (%(codes)s). Ajukan ulang tetap bila memang tidak perlu diubah: dicatat sebagai tidak diubah.",
                "%(count)d pertanyaan belum diubah sejak dikembalikan (%(codes)s). Ajukan ulang tetap bila memang tidak perlu diubah: dicatat sebagai tidak diubah.",
                len(codes),
            )
            % {"count": len(codes), "codes": ", ".join(codes)}
        )


@transaction.atomic
def cycle_resubmit(
    *,
    cycle: Cycle,
    by,
    questions: list[Question] | None = None,
    confirm_unchanged: bool = False,
) -> list[ReturnedQuestion]:
    """The unit hands returned questions back to the reviewer who returned them: the given
    ones, or all it holds. Each re-locks; the reviewer sees what changed.

    A question whose answer is as it was returned is refused with UnchangedAnswers
    unless `confirm_unchanged`, and then recorded as tidak diubah.
    """
    cycle = locked(cycle.pk)
    transition = workflow.require(cycle, "resubmit", by)
    layer = cycle.revision_layer
    reviews = QuestionReview.objects.select_for_update().filter(
        cycle=cycle, layer=layer, status=ReviewStatus.RETURNED
    )
    if questions is not None:
        reviews = reviews.filter(question__in=[question.pk for question in questions])
    reviews = list(reviews.select_related("question").order_by("question__order", "question__code"))
    if not reviews:
        raise ValidationError(_("Pertanyaan ini tidak sedang dikembalikan untuk diperbaiki."))
    ids = [review.question_id for review in reviews]
    items = selectors.open_round_items(cycle, layer, ids)
    now_answers = selectors.self_snapshots(cycle, ids)
    unchanged = {
        review.question_id
        for review in reviews
        if review.question_id in items
        and selectors.same_answer(items[review.question_id].before, now_answers[review.question_id])
    }
    if unchanged and not confirm_unchanged:
        raise UnchangedAnswers(
            [review.question.code for review in reviews if review.question_id in unchanged]
        )
    now = timezone.now()
    for review in reviews:
        same = review.question_id in unchanged
        review.status = ReviewStatus.UNCHANGED if same else ReviewStatus.REVISED
        review.revision_count += 1
        record(review, by=by, reason="resubmit")
        review.save(update_fields=["status", "revision_count"])
        item = items.get(review.question_id)
        if item is not None:
            item.after = now_answers[review.question_id]
            item.outcome = RoundOutcome.UNCHANGED if same else RoundOutcome.REVISED
            item.resubmitted_by = by
            item.resubmitted_at = now
            item.save(update_fields=["after", "outcome", "resubmitted_by", "resubmitted_at"])
            if not same:
                _follow_revised_answer(cycle, layer, review.question_id, item, by=by)
    still_open = QuestionReview.objects.filter(
        cycle=cycle, layer=layer, status=ReviewStatus.RETURNED
    ).exists()
    if not still_open:
        cycle.revision_layer = ""
    codes = ", ".join(review.question.code for review in reviews)
    _move(cycle, transition, by=by, note=codes, fields=("revision_layer",))
    cycle_refresh_summary(cycle=cycle, layer=layer)
    changed = len(reviews) - len(unchanged)
    notifications.notify(
        notifications.reviewers(cycle, workflow.LAYER_ROLES[Layer(layer)]),
        verb="resubmit",
        subject=_("Perbaikan LKE %(unit)s") % {"unit": cycle.unit},
        message=_(
            "%(unit)s mengajukan ulang %(count)d pertanyaan yang dikembalikan (%(changed)d diubah, %(unchanged)d tidak diubah): %(codes)s."
        )
        % {
            "unit": cycle.unit,
            "count": len(reviews),
            "changed": changed,
            "unchanged": len(unchanged),
            "codes": codes,
        },
        url=_review_url(cycle, layer),
        cycle=cycle,
        exclude=by,
    )
    return [items[pk] for pk in ids if pk in items]


def _follow_revised_answer(
    cycle: Cycle, layer: str, question_id: int, item: ReturnedQuestion, *, by
) -> None:
    """The reviewer layer began as a copy of the unit's answers: where its answer to a
    revised question is still that copy (the figures the unit had when it was
    returned), it follows the revised answer, so that figure never reads as a
    correction the reviewer did not make. The reviewer settles it on the next look."""
    answer = Answer.objects.filter(cycle=cycle, layer=layer, question_id=question_id).first()
    if answer is None:
        return
    mine = selectors.answer_snapshot(answer)
    before = item.before
    if any(mine[key] != before[key] for key in ("option", "number", "inputs")):
        return  # the reviewer scored it already: their figure stands
    revised = Answer.objects.get(cycle=cycle, layer=Layer.SELF, question_id=question_id)
    answer.option, answer.number, answer.inputs, answer.value = (
        revised.option,
        revised.number,
        revised.inputs,
        revised.value,
    )
    answer.version += 1
    record(answer, by=by, reason=f"prefill {layer} from self (resubmitted)")
    answer.save(update_fields=["option", "number", "inputs", "value", "version", "updated_at"])


# --------------------------------------------------------------------------
# The reviewers' side


@transaction.atomic
def review_mark(
    *, cycle: Cycle, question: Question, layer: str, status: str, reason: str = "", by
) -> QuestionReview:
    """Mark the unit's answer ditinjau or perlu perbaikan (with a reason, sent with the next return)."""
    cycle = locked(cycle.pk)
    _check_marking(cycle, layer, by)
    if status not in (ReviewStatus.ACCEPTED, ReviewStatus.NEEDS_REVISION):
        raise ValidationError(_("Status tinjauan tidak dikenal."))
    reason = reason.strip()
    if status == ReviewStatus.NEEDS_REVISION and not reason:
        raise ValidationError(_("Tuliskan alasan mengapa pertanyaan ini perlu diperbaiki."))
    review, _created = QuestionReview.objects.select_for_update().get_or_create(
        cycle=cycle, question=question, layer=layer
    )
    if not workflow.QUESTION_STATES[ReviewStatus(review.status)].markable:
        raise ValidationError(
            _("Pertanyaan ini sedang diperbaiki unit; tinjau lagi setelah diajukan ulang.")
        )
    review.status = status
    review.reason = reason
    review.reviewed_by = by
    review.reviewed_at = timezone.now()
    record(review, by=by, reason="review_mark")
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_accept_open(*, cycle: Cycle, layer: str, area_codes: list[str], by) -> int:
    """Mark ditinjau every question of the given areas that waits for a look (never
    reviewed, or back from the unit)."""
    cycle = locked(cycle.pk)
    _check_marking(cycle, layer, by)
    reviews = list(
        QuestionReview.objects.filter(
            cycle=cycle,
            layer=layer,
            status__in=OPEN_REVIEW_STATUSES,
            question__indicator__area__code__in=area_codes,
        )
    )
    now = timezone.now()
    for review in reviews:
        review.status = ReviewStatus.ACCEPTED
        review.reviewed_by = by
        review.reviewed_at = now
    bulk_update_with_history(
        reviews,
        QuestionReview,
        ["status", "reviewed_by", "reviewed_at"],
        default_user=by,
        default_change_reason="review_accept_open",
    )
    return len(reviews)


@transaction.atomic
def cycle_return(*, cycle: Cycle, layer: str, by, note: str = "") -> ReviewRound:
    """Send the questions marked perlu perbaikan back to the unit as one round. The cycle
    stays with the reviewer, who keeps reviewing the others; only these open for the unit."""
    cycle = locked(cycle.pk)
    transition = workflow.require(cycle, "return", by, layer=layer)
    marked = list(
        QuestionReview.objects.select_for_update()
        .filter(cycle=cycle, layer=layer, status=ReviewStatus.NEEDS_REVISION)
        .select_related("question")
        .order_by("question__order", "question__code")
    )
    number = (
        ReviewRound.objects.filter(cycle=cycle, layer=layer).aggregate(last=Max("number"))["last"]
        or 0
    ) + 1
    review_round = ReviewRound.objects.create(
        cycle=cycle, layer=layer, number=number, note=note.strip(), returned_by=by
    )
    before = selectors.self_snapshots(cycle, [review.question_id for review in marked])
    ReturnedQuestion.objects.bulk_create(
        [
            ReturnedQuestion(
                round=review_round,
                question_id=review.question_id,
                reason=review.reason,
                before=before[review.question_id],
            )
            for review in marked
        ]
    )
    for review in marked:
        review.status = ReviewStatus.RETURNED
    bulk_update_with_history(
        marked, QuestionReview, ["status"], default_user=by, default_change_reason="return"
    )
    codes = ", ".join(review.question.code for review in marked)
    cycle.revision_layer = layer
    _move(cycle, transition, by=by, note=note.strip() or codes, fields=("revision_layer",))
    notifications.notify(
        notifications.unit_team(cycle),
        verb="return",
        subject=_("LKE %(unit)s dikembalikan untuk perbaikan") % {"unit": cycle.unit},
        message=_(
            "Penilai mengembalikan %(count)d pertanyaan untuk diperbaiki (putaran %(round)d): %(codes)s."
        )
        % {"count": len(marked), "round": number, "codes": codes},
        url=_url(cycle),
        cycle=cycle,
        exclude=by,
    )
    return review_round


@transaction.atomic
def cycle_pass_pre_assessment(*, cycle: Cycle, by) -> Cycle:
    """The pre-assessor finds the unit ready for the TPI."""
    cycle = locked(cycle.pk)
    transition = workflow.require(cycle, "pass_pre", by)
    cycle.pre_passed_at = timezone.now()
    _move(cycle, transition, by=by, fields=("pre_passed_at",))
    copy_layer(cycle, Layer.SELF, Layer.TPI, by=by)
    open_reviews(cycle, Layer.TPI)
    notifications.notify(
        notifications.reviewers(cycle, workflow.LAYER_ROLES[Layer.TPI]),
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
    cycle = locked(cycle.pk)
    transition = workflow.require(cycle, "finalise_tpi", by)
    cycle.tpi_finalised_at = timezone.now()
    _move(cycle, transition, by=by, fields=("tpi_finalised_at",))
    cycle_refresh_summary(cycle=cycle, layer=Layer.TPI)
    tallies.calibrate(cycle)
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
    recommendations_released(cycle=cycle, layer=Layer.TPI, by=by)
    return cycle


# --------------------------------------------------------------------------
# Proposal and decision


@transaction.atomic
def proposal_create(
    *,
    instansi: Unit,
    year: int,
    letter_number: str,
    letter_date: datetime.date,
    cycles: list[Cycle],
    by,
    sptjm: Evidence | None = None,
    sptjm_upload=None,
    note: str = "",
) -> Proposal:
    """One proposal letter of an instansi to the TPN, for the cycles that meet every requirement.

    The SPTJM is a document of the instansi's library (`sptjm`) or a file to add to it
    (`sptjm_upload`), stored only once every check has passed, in the same transaction.
    """
    if by is not None:
        access.check(by, instansi, Perm.ADMINISTER)
    if instansi.depth != 1:
        raise ValidationError(_("Surat usulan dibuat oleh instansi (unit teratas)."))
    if not cycles:
        raise ValidationError(_("Pilih sekurang-kurangnya satu unit untuk diusulkan."))
    if sptjm is None and sptjm_upload is None:
        raise ValidationError(_("Lampirkan SPTJM yang ditandatangani pimpinan instansi."))
    if sptjm is not None and sptjm.unit_id != instansi.pk:
        raise ValidationError(_("SPTJM harus diunggah sebagai dokumen instansi."))
    problems = []
    moves = []
    for cycle in [locked(cycle.pk) for cycle in cycles]:
        if not cycle.unit.path.startswith(instansi.path) or cycle.year != year:
            problems.append(
                _("%(unit)s bukan unit %(instansi)s tahun %(year)s.")
                % {"unit": cycle.unit, "instansi": instansi, "year": year}
            )
            continue
        facts = workflow.Facts(cycle)
        reasons = workflow.proposal_blockers(cycle, facts=facts, deadline=by is not None)
        problems += [f"{cycle.unit}: {reason}" for reason in reasons]
        if not reasons:
            moves.append((cycle, workflow.require(cycle, "propose", by, facts=facts)))
    if problems:
        raise ValidationError(problems)
    if sptjm is None:
        sptjm = evidence_upload(
            unit=instansi,
            uploaded_file=sptjm_upload,
            title=_("SPTJM %(instansi)s %(year)s")
            % {"instansi": instansi.short_name or instansi.name, "year": year},
            document_type="sk",
            by=by,
        )
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
    record(proposal, by=by, reason="proposal_create")
    proposal.save()
    for cycle, transition in moves:
        cycle.proposal = proposal
        _move(cycle, transition, by=by, note=proposal.letter_number, fields=("proposal",))
        copy_layer(cycle, Layer.TPI, Layer.TPN, by=by)
        notifications.notify(
            notifications.reviewers(cycle, workflow.LAYER_ROLES[Layer.TPN]),
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
    override_reason: str = "",
) -> Cycle:
    """Record the TPN's decision; awarding creates the predicate with its decree.

    The award is checked against the TPN layer's own scorecard (the field result
    prevails under 90/2021): when that layer fails a rule of the target, the
    predicate is set only with the decider's consideration (`override_reason`),
    kept on the award, in the cycle's timeline and in history, and shown in the
    public registry as "ditetapkan dengan pertimbangan".
    """
    cycle = locked(cycle.pk)
    if decision not in Decision.values:
        raise ValidationError(_("Keputusan tidak dikenal."))
    if cycle.stage == Stage.EVALUASI_TPN:
        # the verdict as of now: predicates held today count (a WBK awarded since)
        cycle_refresh_summary(cycle=cycle, layer=Layer.TPN)
    awarding = decision == Decision.AWARDED
    override_reason = override_reason.strip()
    transition = workflow.require(
        cycle, "award" if awarding else "decline", by, override=override_reason
    )
    considered = ""
    if awarding:
        considered = override_reason if _tpn_fails(cycle) else ""
        predicate_award(
            unit=cycle.unit,
            predicate=cycle.target,
            year=cycle.year,
            decree_number=decree_number,
            decree_date=decree_date,
            cycle=cycle,
            by=None,
            decided_by=by,
            override_reason=considered,
        )
    elif not note.strip():
        raise ValidationError(_("Tuliskan alasan bila predikat tidak diberikan."))
    cycle.decision = decision
    cycle.decided_at = timezone.now()
    cycle.decision_note = note.strip()
    cycle_refresh_summary(cycle=cycle, layer=Layer.TPN)
    event_note = str(Decision(decision).label)
    if considered:
        event_note += " — " + _("ditetapkan dengan pertimbangan: %(reason)s") % {
            "reason": considered
        }
    _move(
        cycle,
        transition,
        by=by,
        note=event_note,
        fields=("decision", "decided_at", "decision_note"),
    )
    tallies.calibrate(cycle)
    notifications.notify(
        [
            *notifications.unit_team(cycle),
            *notifications.reviewers(cycle, workflow.LAYER_ROLES[Layer.TPI]),
        ],
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
    recommendations_released(cycle=cycle, layer=Layer.TPN, by=by)
    return cycle


def _tpn_fails(cycle: Cycle) -> bool:
    return not cycle.summary(Layer.TPN).get("eligibility", {}).get(cycle.target, {}).get("eligible")


@transaction.atomic
def cycle_set_wbk_by_instansi(
    *, cycle: Cycle, decree_number: str, decree_date: datetime.date | None, note: str = "", by
) -> Cycle:
    """The instansi sets Menuju WBK itself: evaluasi mandiri by a designated instansi
    (PermenPAN-RB 5/2024 Lampiran II Bab II B) or, under 52/2014, the head of the agency.

    The workflow table decides whether it may (`set_by_instansi`: Menuju WBK only, a final
    TPI layer meeting every rule and prerequisite, the instansi designated for the year);
    the award records who decided, on what basis, and its route — distinct from an award
    of the Menteri on the TPN's evaluation.
    """
    cycle = locked(cycle.pk)
    facts = workflow.Facts(cycle)
    transition = workflow.require(cycle, "set_by_instansi", by, facts=facts)
    mandiri = cycle.framework.wbk_set_by_instansi == InstansiSetsWbk.DESIGNATED
    designation = facts.designation if mandiri else None
    basis = (
        _("Evaluasi Menuju WBK secara mandiri; instansi ditetapkan dengan %(decree)s (%(date)s)")
        % {
            "decree": designation.decree_number,
            "date": date_format(designation.decree_date, "DATE_FORMAT"),
        }
        if designation
        else _("Penetapan pimpinan instansi menurut %(framework)s") % {"framework": cycle.framework}
    )
    predicate_award(
        unit=cycle.unit,
        predicate=cycle.target,
        year=cycle.year,
        decree_number=decree_number,
        decree_date=decree_date,
        cycle=cycle,
        by=None,
        decided_by=by,
        route=DecisionRoute.MANDIRI if mandiri else DecisionRoute.PIMPINAN,
        basis=basis,
    )
    cycle.decision = Decision.AWARDED
    cycle.decided_at = timezone.now()
    cycle.decision_note = note.strip() or basis
    _move(
        cycle,
        transition,
        by=by,
        note=basis,
        fields=("decision", "decided_at", "decision_note"),
    )
    tallies.calibrate(cycle)
    notifications.notify(
        notifications.unit_team(cycle),
        verb="decision",
        subject=_("Keputusan %(target)s untuk %(unit)s")
        % {"target": cycle.get_target_display(), "unit": cycle.unit},
        message=_("Selamat: %(unit)s memperoleh predikat %(target)s (%(decree)s).")
        % {"unit": cycle.unit, "target": cycle.get_target_display(), "decree": decree_number},
        url=_url(cycle),
        cycle=cycle,
        exclude=by,
    )
    return cycle


# --------------------------------------------------------------------------
# Comments


def comment_side(cycle: Cycle, user) -> str | None:
    """Which side the person speaks for on the cycle's threads, or None if they may not write."""
    perms = access.perms_on(user, cycle.unit)
    for layer in (Layer.TPN, Layer.TPI, Layer.PRE):
        if workflow.LAYER_PERMS[layer] in perms and not user.is_superuser:
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
        other = notifications.reviewers(
            cycle, workflow.LAYER_ROLES[workflow.review_layer(cycle) or Layer.TPI]
        )
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
