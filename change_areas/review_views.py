"""Pages of the review workflow: the reviewer's queue, scoring beside the unit's
answers, comment threads, transitions, the comparison of layers, proposals,
decisions, predicates and notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, selectors, services, workflow
from change_areas.models import (
    Area,
    ComponentKind,
    Cycle,
    Layer,
    Notification,
    PredicateAward,
    Question,
    QuestionReview,
    ReviewStatus,
    Stage,
)
from change_areas.views import (
    _cycle_context,
    _cycle_for,
    _posted_version,
    _prefetched,
    conflict_page,
)
from lib.pdf import image_data_uri, render_pdf
from units import access
from units.access import Perm
from units.models import Unit

REVIEW_LAYERS = (Layer.PRE, Layer.TPI, Layer.TPN)


def _layer(layer: str) -> str:
    if layer not in REVIEW_LAYERS:
        raise Http404
    return layer


def _reviewer_cycle(request: HttpRequest, pk: int, layer: str) -> Cycle:
    """The cycle, for people who may see the layer's review: its reviewers, and superusers."""
    cycle = _cycle_for(request.user, pk)
    if not access.can(request.user, cycle.unit, services.LAYER_PERMS[layer]):
        raise PermissionDenied(_("Halaman ini untuk penilai lapis tersebut."))
    return cycle


# --------------------------------------------------------------------------
# Queue


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Cycles waiting for this person's review, in their scope. Constant queries."""
    memberships = access.memberships_of(request.user)
    scopes = {
        layer: [
            m.unit.path
            for m in memberships
            if services.LAYER_PERMS[layer] in access.ROLE_PERMS[m.role]
        ]
        for layer in REVIEW_LAYERS
    }
    # What waits for each layer: its own stage, or a revision it asked for.
    waiting = {
        Layer.PRE: Q(stage=Stage.PENILAIAN_PENDAHULUAN)
        | Q(stage=Stage.PERBAIKAN, revision_layer=Layer.PRE),
        Layer.TPI: Q(stage=Stage.EVALUASI_TPI) | Q(stage=Stage.PERBAIKAN, revision_layer=Layer.TPI),
        Layer.TPN: Q(stage=Stage.EVALUASI_TPN),
    }
    condition = Q(pk__in=[])
    for layer, paths in scopes.items():
        if request.user.is_superuser:
            condition |= waiting[layer]
            continue
        for path in paths:
            condition |= Q(unit__path__startswith=path) & waiting[layer]
    on_layer = {layer: Q(reviews__layer=layer) & waiting[layer] for layer in (Layer.PRE, Layer.TPI)}
    cycles = list(
        Cycle.objects.filter(condition)
        .select_related("unit", "framework")
        .annotate(
            reviewed=Count(
                "reviews",
                filter=Q(reviews__status__in=[ReviewStatus.ACCEPTED, ReviewStatus.NEEDS_REVISION])
                & (on_layer[Layer.PRE] | on_layer[Layer.TPI]),
            ),
            review_total=Count("reviews", filter=on_layer[Layer.PRE] | on_layer[Layer.TPI]),
        )
        .order_by("review_closes", "submitted_at", "unit__path")[:500]
    )
    for cycle in cycles:
        if cycle.stage == Stage.PERBAIKAN:
            cycle.review_layer = cycle.revision_layer
        else:
            cycle.review_layer = {
                Stage.PENILAIAN_PENDAHULUAN: Layer.PRE,
                Stage.EVALUASI_TPN: Layer.TPN,
            }.get(cycle.stage, Layer.TPI)
    return render(
        request, "change_areas/review_queue.html", {"cycles": cycles, "today": timezone.localdate()}
    )


# --------------------------------------------------------------------------
# Scoring beside the unit


def _review_areas(cycle: Cycle, area_code: str) -> tuple[list[Area], str]:
    if area_code == "hasil":
        areas = list(
            Area.objects.filter(
                framework=cycle.framework, component__kind=ComponentKind.HASIL, is_active=True
            )
            .select_related("component")
            .order_by("order")
        )
        return areas, _("Hasil")
    area = get_object_or_404(
        Area.objects.select_related("component"),
        framework=cycle.framework,
        code=area_code,
        is_active=True,
    )
    return [area], area.name


@login_required
def review_area(request: HttpRequest, pk: int, layer: str, area_code: str) -> HttpResponse:
    """One area: the unit's answers beside this layer's, review marks and threads."""
    layer = _layer(layer)
    cycle = _reviewer_cycle(request, pk, layer)
    areas, title = _review_areas(cycle, area_code)
    if not areas:
        raise Http404
    editable, reason = services.layer_edit_state(cycle, layer, request.user)
    marks_layer = layer if layer in (Layer.PRE, Layer.TPI) else None
    sections = selectors.area_sections(
        cycle, areas, layer, compare_layer=Layer.SELF, review_layer=marks_layer
    )
    context = _cycle_context(request, cycle)
    context.update(
        {
            "layer": layer,
            "layer_label": Layer(layer).label,
            "title": title,
            "current": area_code,
            "sections": sections,
            "review_editable": editable,
            "review_reason": reason,
            "layer_summary": cycle.summary(layer),
            "self_summary": cycle.summary(Layer.SELF),
            "marks": bool(marks_layer),
            "counts": _review_counts(cycle, marks_layer) if marks_layer else {},
        }
    )
    return render(request, "change_areas/review_area.html", context)


def _review_counts(cycle: Cycle, layer: str) -> dict[str, int]:
    counts = {status: 0 for status in ReviewStatus.values}
    for row in (
        QuestionReview.objects.filter(cycle=cycle, layer=layer)
        .values("status")
        .annotate(n=Count("pk"))
    ):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def _review_question_response(
    request: HttpRequest, cycle: Cycle, layer: str, question: Question, **extra
) -> HttpResponse:
    marks_layer = layer if layer in (Layer.PRE, Layer.TPI) else None
    prefetched = _prefetched(question)
    view = selectors.question_views(
        cycle, [prefetched], layer, review_layer=marks_layer, with_comments=True
    )[question.code]
    view.counterpart = selectors.question_views(cycle, [prefetched], Layer.SELF)[question.code]
    editable, _reason = services.layer_edit_state(cycle, layer, request.user)
    cycle.refresh_from_db()
    context = {
        "cycle": cycle,
        "q": view,
        "layer": layer,
        "review_editable": editable,
        "marks": bool(marks_layer),
        "comment_side": workflow.comment_side(cycle, request.user),
        "area": prefetched.indicator.area,
        "layer_node": cycle.summary(layer).get("areas", {}).get(prefetched.indicator.area.code, {}),
        "self_node": cycle.summary(Layer.SELF)
        .get("areas", {})
        .get(prefetched.indicator.area.code, {}),
        "oob": True,
        **extra,
    }
    return render(request, "change_areas/_review_question_response.html", context)


def _question_of(cycle: Cycle, code: str) -> Question:
    return get_object_or_404(
        Question.objects.select_related("indicator__area__component"),
        framework=cycle.framework,
        code=code,
        is_active=True,
    )


def _back(cycle: Cycle, layer: str, question: Question) -> str:
    area = question.indicator.area
    code = "hasil" if area.component.kind == ComponentKind.HASIL else area.code
    url = reverse("change_areas:review", kwargs={"pk": cycle.pk, "layer": layer, "area_code": code})
    return f"{url}#q-{question.code.replace('.', '-')}"


@login_required
@require_POST
def review_answer_save(
    request: HttpRequest, pk: int, layer: str, question_code: str
) -> HttpResponse:
    layer = _layer(layer)
    cycle = _reviewer_cycle(request, pk, layer)
    question = _question_of(cycle, question_code)
    spec = services.question_spec(question)
    data, errors = forms.parse_answer(spec, request.POST)
    version = _posted_version(request)
    conflict = None
    if not errors:
        try:
            services.answer_save(
                cycle=cycle,
                question=question,
                layer=layer,
                option=data.option,
                number=data.number,
                inputs=data.inputs,
                note=request.POST.get("note", "")[:5000],
                by=request.user,
                expected_version=version,
            )
        except ValidationError as error:
            errors = error.messages
        except services.AnswerConflict as clash:
            conflict = {
                "current": clash.current,
                "mine": data,
                "note": request.POST.get("note", ""),
            }
    if request.htmx:
        return _review_question_response(
            request,
            cycle,
            layer,
            question,
            errors=errors,
            conflict=conflict,
            saved=not errors and not conflict,
        )
    if conflict:
        return conflict_page(request, question, conflict, back=_back(cycle, layer, question))
    for message in errors:
        messages.error(request, f"{question.code}: {message}")
    if not errors:
        messages.success(request, _("Nilai %(code)s disimpan.") % {"code": question.code})
    return redirect(_back(cycle, layer, question))


@login_required
@require_POST
def review_mark(request: HttpRequest, pk: int, layer: str, question_code: str) -> HttpResponse:
    layer = _layer(layer)
    cycle = _reviewer_cycle(request, pk, layer)
    question = _question_of(cycle, question_code)
    errors = []
    try:
        workflow.review_mark(
            cycle=cycle,
            question=question,
            layer=layer,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", "")[:2000],
            by=request.user,
        )
    except ValidationError as error:
        errors = error.messages
    if request.htmx:
        return _review_question_response(request, cycle, layer, question, errors=errors)
    for message in errors:
        messages.error(request, f"{question.code}: {message}")
    return redirect(_back(cycle, layer, question))


@login_required
@require_POST
def review_accept_open(request: HttpRequest, pk: int, layer: str, area_code: str) -> HttpResponse:
    layer = _layer(layer)
    cycle = _reviewer_cycle(request, pk, layer)
    areas, _title = _review_areas(cycle, area_code)
    count = workflow.review_accept_open(
        cycle=cycle, layer=layer, area_codes=[a.code for a in areas], by=request.user
    )
    messages.success(request, _("%(count)d pertanyaan diterima.") % {"count": count})
    return redirect("change_areas:review", pk=cycle.pk, layer=layer, area_code=area_code)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int, question_code: str) -> HttpResponse:
    cycle = _cycle_for(request.user, pk)
    question = _question_of(cycle, question_code)
    errors = []
    try:
        workflow.comment_add(
            cycle=cycle, question=question, body=request.POST.get("body", ""), by=request.user
        )
    except ValidationError as error:
        errors = error.messages
    if request.htmx:
        view = selectors.question_views(
            cycle, [_prefetched(question)], Layer.SELF, with_comments=True
        )[question.code]
        return render(
            request,
            "change_areas/_comments.html",
            {
                "cycle": cycle,
                "q": view,
                "comment_side": workflow.comment_side(cycle, request.user),
                "errors": errors,
            },
        )
    for message in errors:
        messages.error(request, f"{question.code}: {message}")
    if not errors:
        messages.success(request, _("Komentar pada %(code)s terkirim.") % {"code": question.code})
    back = request.POST.get("next", "")
    if back.startswith(f"/siklus/{cycle.pk}/") and "//" not in back:
        return redirect(back)
    return redirect(f"{reverse('change_areas:cycle_overview', kwargs={'pk': cycle.pk})}")


# --------------------------------------------------------------------------
# Transitions


def _transition(request: HttpRequest, action, success: str, **kwargs) -> None:
    try:
        action(by=request.user, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def cycle_submit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request.user, pk, Perm.SUBMIT_SELF)
    _transition(
        request, workflow.cycle_submit, _("Penilaian mandiri diajukan untuk dinilai."), cycle=cycle
    )
    return redirect(cycle)


@login_required
@require_POST
def cycle_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request.user, pk, Perm.SUBMIT_SELF)
    _transition(
        request,
        workflow.cycle_resubmit,
        _("Perbaikan diajukan kembali kepada penilai."),
        cycle=cycle,
    )
    return redirect(cycle)


@login_required
@require_POST
def cycle_return(request: HttpRequest, pk: int, layer: str) -> HttpResponse:
    layer = _layer(layer)
    cycle = _reviewer_cycle(request, pk, layer)
    _transition(
        request,
        workflow.cycle_return,
        _("Pertanyaan yang perlu diperbaiki dikembalikan kepada unit."),
        cycle=cycle,
        layer=layer,
        note=request.POST.get("note", "")[:2000],
    )
    return redirect("change_areas:review", pk=cycle.pk, layer=layer, area_code="A.MP")


@login_required
@require_POST
def cycle_pass_pre(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _reviewer_cycle(request, pk, Layer.PRE)
    _transition(
        request,
        workflow.cycle_pass_pre_assessment,
        _("Unit lulus penilaian pendahuluan dan diteruskan ke TPI."),
        cycle=cycle,
    )
    return redirect("change_areas:review", pk=cycle.pk, layer=Layer.PRE, area_code="A.MP")


@login_required
@require_POST
def cycle_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _reviewer_cycle(request, pk, Layer.TPI)
    _transition(
        request,
        workflow.cycle_finalise_tpi,
        _("Penilaian TPI difinalkan dan dikunci."),
        cycle=cycle,
    )
    return redirect("change_areas:comparison", pk=cycle.pk)


@login_required
def cycle_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The TPN records the decision: the predicate with its decree, or why not."""
    cycle = _reviewer_cycle(request, pk, Layer.TPN)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.cycle_decide(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Keputusan dicatat."))
            return redirect(cycle)
    context = _cycle_context(request, cycle)
    context.update({"form": form, "tpn_summary": cycle.summary(Layer.TPN)})
    return render(
        request, "change_areas/decision.html", context, status=400 if form.errors else 200
    )


# --------------------------------------------------------------------------
# Comparison and report


def _comparison_rows(cycle: Cycle) -> list[dict]:
    summaries = {
        layer: cycle.summary(layer) for layer in (Layer.SELF, Layer.PRE, Layer.TPI, Layer.TPN)
    }
    rows = []
    for area in (
        Area.objects.filter(framework=cycle.framework, is_active=True)
        .select_related("component")
        .order_by("order")
    ):
        row = {"area": area}
        for layer, summary in summaries.items():
            row[layer] = summary.get("areas", {}).get(area.code)
        if row[Layer.SELF] and row[Layer.TPI]:
            row["difference"] = row[Layer.TPI]["value"] - row[Layer.SELF]["value"]
        if row[Layer.TPI] and row[Layer.TPN]:
            row["tpn_difference"] = row[Layer.TPN]["value"] - row[Layer.TPI]["value"]
        rows.append(row)
    return rows


def _can_see_review(cycle: Cycle, user) -> bool:
    """The unit sees the TPI's figures once they are final; reviewers always."""
    perms = access.perms_on(user, cycle.unit)
    return bool(
        perms & {Perm.REVIEW_PRE, Perm.REVIEW_TPI, Perm.REVIEW_TPN, Perm.ADMINISTER}
    ) or bool(cycle.tpi_finalised_at)


@login_required
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    """Self, TPI (and TPN) scores per area side by side, with the differences and both eligibilities."""
    cycle = _cycle_for(request.user, pk)
    if not _can_see_review(cycle, request.user):
        raise PermissionDenied(_("Nilai TPI dapat dilihat unit setelah penilaian TPI final."))
    context = _cycle_context(request, cycle)
    rows = _comparison_rows(cycle)
    context.update(
        {
            "rows": rows,
            "summaries": {
                layer: cycle.summary(layer)
                for layer in (Layer.SELF, Layer.PRE, Layer.TPI, Layer.TPN)
            },
            "has_pre": bool(cycle.summary(Layer.PRE)),
            "has_tpn": bool(cycle.summary(Layer.TPN)),
            "changed": _changed_answers(cycle, limit=200),
            "events": list(cycle.events.select_related("actor").order_by("created_at")),
        }
    )
    return render(request, "change_areas/comparison.html", context)


def _changed_answers(cycle: Cycle, *, limit: int | None = None) -> list[dict]:
    """Questions where the TPI's answer differs from the unit's, with the reviewer's notes. 3 queries."""
    own = {a.question_id: a for a in cycle.answers.filter(layer=Layer.SELF)}
    tpi = list(cycle.answers.filter(layer=Layer.TPI).select_related("question"))
    reviews = {
        r.question_id: r for r in QuestionReview.objects.filter(cycle=cycle, layer=Layer.TPI)
    }
    rows = []
    for answer in sorted(tpi, key=lambda a: (a.question.order, a.question.code)):
        mine = own.get(answer.question_id)
        if mine and mine.value == answer.value and mine.option == answer.option and not answer.note:
            continue
        rows.append(
            {
                "question": answer.question,
                "self": mine,
                "tpi": answer,
                "review": reviews.get(answer.question_id),
                "difference": (float(answer.value or 0) - float(mine.value or 0)) if mine else None,
            }
        )
    return rows[:limit] if limit else rows


@login_required
def tpi_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Laporan hasil evaluasi TPI: per-area comparison, changed questions, the reviewer's notes."""
    cycle = _cycle_for(request.user, pk)
    if not _can_see_review(cycle, request.user):
        raise PermissionDenied(_("Laporan TPI tersedia setelah penilaian TPI final."))
    rendered = render_pdf(
        "pdf/tpi_report.html",
        {
            "cycle": cycle,
            "unit": cycle.unit,
            "logo": image_data_uri(cycle.unit.logo),
            "rows": _comparison_rows(cycle),
            "summaries": {layer: cycle.summary(layer) for layer in (Layer.SELF, Layer.TPI)},
            "changed": _changed_answers(cycle),
            "reviewers": sorted(
                {
                    str(e.actor)
                    for e in cycle.events.select_related("actor")
                    if e.action in ("finalise_tpi", "return") and e.actor
                }
            ),
            "generated": timezone.localtime(),
            "document_number": f"LHE-TPI-{cycle.unit.code}-{cycle.year}",
        },
        filename=f"laporan-tpi-{cycle.unit.code}-{cycle.year}.pdf",
    )
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'inline; filename="{rendered.filename}"'
    return response


# --------------------------------------------------------------------------
# Proposals


def _administered_instansi(user) -> list[Unit]:
    if user.is_superuser:
        return list(Unit.objects.filter(depth=1))
    return [
        m.unit
        for m in access.memberships_of(user)
        if m.unit.depth == 1 and Perm.ADMINISTER in access.ROLE_PERMS[m.role]
    ]


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    """Cycles whose TPI evaluation is final, per instansi, and the proposal letter to the TPN."""
    instansi_list = _administered_instansi(request.user)
    if not instansi_list:
        raise PermissionDenied(_("Pengusulan dibuat oleh admin instansi."))
    chosen = next(
        (
            u
            for u in instansi_list
            if u.code == request.GET.get("instansi", request.POST.get("instansi"))
        ),
        instansi_list[0],
    )
    year = request.GET.get("tahun") or request.POST.get("year") or timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = timezone.localdate().year
    candidates = list(
        Cycle.objects.filter(unit__path__startswith=chosen.path, year=year, stage=Stage.PENGUSULAN)
        .select_related("unit", "framework")
        .order_by("unit__path")
    )
    for cycle in candidates:
        cycle.blockers = workflow.proposal_blockers(cycle)
    form = forms.ProposalForm(
        request.POST or None,
        request.FILES or None,
        cycles=[c for c in candidates if not c.blockers],
    )
    if request.method == "POST" and form.is_valid():
        try:
            sptjm = services.evidence_upload(
                unit=chosen,
                uploaded_file=form.cleaned_data["sptjm"],
                title=_("SPTJM %(instansi)s %(year)s")
                % {"instansi": chosen.short_name or chosen.name, "year": year},
                document_type="sk",
                by=request.user,
            )
            proposal = workflow.proposal_create(
                instansi=chosen,
                year=year,
                letter_number=form.cleaned_data["letter_number"],
                letter_date=form.cleaned_data["letter_date"],
                sptjm=sptjm,
                cycles=list(form.cleaned_data["cycles"]),
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Surat usulan %(number)s dibuat; %(count)d unit diteruskan ke TPN.")
                % {"number": proposal.letter_number, "count": proposal.cycles.count()},
            )
            return redirect(
                f"{reverse('change_areas:proposals')}?instansi={chosen.code}&tahun={year}"
            )
    sent = list(
        chosen.proposals.filter(year=year).prefetch_related("cycles__unit").select_related("sptjm")
    )
    return render(
        request,
        "change_areas/proposals.html",
        {
            "instansi_list": instansi_list,
            "chosen": chosen,
            "year": year,
            "candidates": candidates,
            "form": form,
            "sent": sent,
        },
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------
# Predicates and notifications


@login_required
def predicate_timeline(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    awards = list(
        PredicateAward.objects.for_unit(unit)
        .select_related("cycle", "revoked_by")
        .order_by("decree_date")
    )
    return render(
        request,
        "change_areas/predicates.html",
        {
            "unit": unit,
            "ancestors": list(unit.ancestors()),
            "awards": awards,
            "can_revoke": request.user.is_superuser,
            "revoke_form": forms.RevokeForm() if request.user.is_superuser else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def predicate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(PredicateAward.objects.select_related("unit"), pk=pk)
    access.check(request.user, award.unit, Perm.VIEW)
    if not request.user.is_superuser:
        raise PermissionDenied(
            _("Pencabutan predikat dicatat oleh admin nasional atas rekomendasi TPN.")
        )
    form = forms.RevokeForm(request.POST)
    if form.is_valid():
        try:
            workflow.predicate_revoke(award=award, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Predikat dicabut; unit tidak dapat diusulkan kembali selama dua tahun.")
            )
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("change_areas:predicates", code=award.unit.code)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        messages.success(request, _("Semua notifikasi ditandai sudah dibaca."))
        return redirect("change_areas:notifications")
    items = list(Notification.objects.filter(user=request.user).select_related("cycle__unit")[:100])
    return render(request, "change_areas/notifications.html", {"items": items})
