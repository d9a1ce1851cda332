"""Pages of a unit's ZI programme: cycles, the LKE self-assessment per area,
evidence, work plans, prerequisites, what to improve, and LKE exchange."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, lke, scoring, selectors, services, workflow
from change_areas.models import (
    Area,
    Campaign,
    ComponentKind,
    Cycle,
    Evidence,
    Layer,
    Prerequisite,
    ProgressEntry,
    Question,
    QuestionReview,
    ReviewStatus,
    Stage,
    WorkPlanItem,
)
from lib.imports import ImportFileError, read_dataset
from lib.pdf import image_data_uri, render_pdf
from units import access
from units.access import Perm
from units.models import Unit


def _cycle_for(user, pk: int, perm: Perm = Perm.VIEW) -> Cycle:
    cycle = get_object_or_404(
        Cycle.objects.select_related("unit", "framework", "work_plan_framework", "campaign"), pk=pk
    )
    access.check(user, cycle.unit, perm)
    return cycle


def _area_for(cycle: Cycle, code: str) -> Area:
    return get_object_or_404(
        Area.objects.select_related("component"),
        framework=cycle.framework,
        code=code,
        is_active=True,
    )


# --------------------------------------------------------------------------
# Cycles


@login_required
def cycle_list(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's cycles, and the form to open one for those who may."""
    unit = access.unit_for(request.user, code)
    cycles = list(
        Cycle.objects.for_unit(unit).select_related("framework", "campaign").order_by("-year")
    )
    can_open = access.can(request.user, unit, Perm.SUBMIT_SELF)
    return render(
        request,
        "change_areas/cycle_list.html",
        {
            "unit": unit,
            "ancestors": list(unit.ancestors()),
            "cycles": cycles,
            "form": forms.CycleOpenForm() if can_open else None,
        },
    )


@login_required
@require_POST
def cycle_open(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.SUBMIT_SELF)
    form = forms.CycleOpenForm(request.POST)
    if form.is_valid():
        try:
            cycle = services.cycle_open(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Siklus %(year)s dibuka.") % {"year": cycle.year})
            return redirect(cycle)
    cycles = list(Cycle.objects.for_unit(unit).select_related("framework", "campaign"))
    return render(
        request,
        "change_areas/cycle_list.html",
        {"unit": unit, "ancestors": list(unit.ancestors()), "cycles": cycles, "form": form},
        status=400,
    )


def _cycle_context(request: HttpRequest, cycle: Cycle) -> dict:
    editable, reason = services.layer_edit_state(cycle, Layer.SELF, request.user)
    return {
        "cycle": cycle,
        "unit": cycle.unit,
        "ancestors": list(cycle.unit.ancestors()),
        "summary": cycle.summary(Layer.SELF),
        "editable": editable,
        "edit_reason": reason,
        "can_edit": access.can(request.user, cycle.unit, Perm.EDIT_SELF),
        "comment_side": workflow.comment_side(cycle, request.user),
        "review_layers": [
            layer
            for layer in (Layer.PRE, Layer.TPI, Layer.TPN)
            if access.can(request.user, cycle.unit, services.LAYER_PERMS[layer])
        ],
        "nav_areas": list(
            Area.objects.filter(framework=cycle.framework, is_active=True)
            .select_related("component")
            .order_by("order")
        ),
    }


@login_required
def cycle_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """All areas with score and completeness bars, Hasil, eligibility, prerequisites."""
    cycle = _cycle_for(request.user, pk)
    context = _cycle_context(request, cycle)
    summary = context["summary"]
    first = selectors.first_unanswered(cycle)
    areas = context["nav_areas"]
    rows = []
    for area in areas:
        node = summary.get("areas", {}).get(area.code, {})
        rows.append({"area": area, "node": node, "first_unanswered": first.get(area.code)})
    checks = selectors.prerequisite_checklist(cycle)
    context.update(
        {
            "pengungkit": [
                row for row in rows if row["area"].component.kind == ComponentKind.PENGUNGKIT
            ],
            "hasil": [row for row in rows if row["area"].component.kind == ComponentKind.HASIL],
            "checks": checks,
            "checks_unmet": sum(1 for check in checks if check.met is not True),
            "overdue": WorkPlanItem.objects.filter(cycle=cycle).overdue().count(),
            "can_submit": access.can(request.user, cycle.unit, Perm.SUBMIT_SELF),
            "returned": list(
                QuestionReview.objects.filter(
                    cycle=cycle, layer=cycle.revision_layer, status=ReviewStatus.NEEDS_REVISION
                ).select_related("question__indicator__area")
            )
            if cycle.stage == Stage.PERBAIKAN
            else [],
            "events": list(cycle.events.select_related("actor").order_by("-created_at")[:8]),
        }
    )
    return render(request, "change_areas/cycle_overview.html", context)


def _area_context(
    request: HttpRequest, cycle: Cycle, areas: list[Area], *, title: str, current: str
) -> dict:
    context = _cycle_context(request, cycle)
    sections = selectors.area_sections(cycle, areas, review_layer=_shown_review_layer(cycle))
    _lock_unreturned(
        cycle,
        (
            view
            for _area, parts in sections
            for part in parts
            for ind in part.indicators
            for view in _all_views(ind)
        ),
    )
    items = []
    if cycle.work_plan_framework_id == cycle.framework_id:
        items = list(
            WorkPlanItem.objects.filter(cycle=cycle, area__in=areas)
            .select_related("area")
            .prefetch_related(
                Prefetch(
                    "progress_entries",
                    ProgressEntry.objects.select_related("evidence", "created_by"),
                )
            )
        )
    _attach_item_forms(request, cycle, items, can_edit=context["can_edit"])
    library = (
        list(Evidence.objects.for_unit(cycle.unit).only("pk", "title", "valid_until"))
        if context["editable"]
        else []
    )
    context.update(
        {
            "sections": sections,
            "areas": areas,
            "title": title,
            "current": current,
            "library": library,
            "items": items,
            "item_form": forms.WorkPlanItemForm(cycle=cycle, initial={"area": areas[0]})
            if context["can_edit"]
            and items is not None
            and cycle.work_plan_framework_id == cycle.framework_id
            else None,
            "upload_form": forms.EvidenceUploadForm() if context["editable"] else None,
        }
    )
    return context


@login_required
def area_page(request: HttpRequest, pk: int, area_code: str) -> HttpResponse:
    """One change area: its indicators and questions with the right control per answer type."""
    cycle = _cycle_for(request.user, pk)
    area = _area_for(cycle, area_code)
    context = _area_context(request, cycle, [area], title=area.name, current=area.code)
    return render(request, "change_areas/area_page.html", context)


@login_required
def hasil_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The Hasil component: survey indices and capaian kinerja."""
    cycle = _cycle_for(request.user, pk)
    areas = list(
        Area.objects.filter(
            framework=cycle.framework, component__kind=ComponentKind.HASIL, is_active=True
        )
        .select_related("component")
        .order_by("order")
    )
    if not areas:
        raise Http404
    context = _area_context(request, cycle, areas, title=_("Hasil"), current="hasil")
    return render(request, "change_areas/area_page.html", context)


def _shown_review_layer(cycle: Cycle) -> str | None:
    """Whose review verdicts the unit sees beside its answers."""
    if cycle.revision_layer:
        return cycle.revision_layer
    if cycle.stage in (Stage.EVALUASI_TPI, Stage.PERBAIKAN) or cycle.tpi_finalised_at:
        return Layer.TPI
    if cycle.stage == Stage.PENILAIAN_PENDAHULUAN:
        return Layer.PRE
    return None


def _all_views(indicator_view):
    yield from indicator_view.questions
    for child in indicator_view.children:
        yield from child.questions


def _lock_unreturned(cycle: Cycle, views) -> None:
    """While the unit revises, only the questions returned to it stay open."""
    if cycle.stage != Stage.PERBAIKAN:
        return
    for view in views:
        view.editable = bool(view.review and view.review.status == ReviewStatus.NEEDS_REVISION)


def _question_context(request, cycle: Cycle, question: Question, **extra) -> dict:
    view = selectors.question_views(
        cycle,
        [_prefetched(question)],
        Layer.SELF,
        review_layer=_shown_review_layer(cycle),
        with_comments=True,
    )[question.code]
    _lock_unreturned(cycle, [view])
    editable, reason = services.layer_edit_state(cycle, Layer.SELF, request.user)
    return {
        "cycle": cycle,
        "q": view,
        "editable": editable,
        "edit_reason": reason,
        "library": list(Evidence.objects.for_unit(cycle.unit).only("pk", "title", "valid_until"))
        if editable
        else [],
        "area_summary": cycle.summary(Layer.SELF)
        .get("areas", {})
        .get(question.indicator.area.code, {}),
        "area": question.indicator.area,
        "oob": bool(request.htmx),
        **extra,
    }


def _prefetched(question: Question) -> Question:
    return (
        Question.objects.select_related("indicator__area")
        .prefetch_related("options", "inputs")
        .get(pk=question.pk)
    )


def conflict_page(
    request: HttpRequest, question: Question, conflict: dict, *, back: str
) -> HttpResponse:
    """Without JavaScript: both answers side by side, and a way to save one's own knowingly."""
    resend = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "version")
        for value in values
    ]
    return render(
        request,
        "change_areas/answer_conflict.html",
        {
            "question": question,
            "current": conflict["current"],
            "mine": conflict["mine"],
            "note": conflict["note"],
            "resend": resend,
            "back": back,
        },
        status=409,
    )


def _posted_version(request: HttpRequest) -> int | None:
    """The answer version the form was loaded with (0: the question had no answer yet)."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def _back_to_question(cycle: Cycle, question: Question) -> str:
    area = question.indicator.area
    if area.component and area.component.kind == ComponentKind.HASIL:
        url = reverse("change_areas:hasil", kwargs={"pk": cycle.pk})
    else:
        url = reverse("change_areas:area", kwargs={"pk": cycle.pk, "area_code": area.code})
    return f"{url}#q-{question.code.replace('.', '-')}"


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int, question_code: str) -> HttpResponse:
    """Save one answer; htmx gets the question and the area's new score, a plain form a redirect."""
    cycle = _cycle_for(request.user, pk, Perm.EDIT_SELF)
    question = get_object_or_404(
        Question.objects.select_related("indicator__area__component"),
        framework=cycle.framework,
        code=question_code,
        is_active=True,
    )
    spec = services.question_spec(question)
    data, errors = forms.parse_answer(spec, request.POST)
    version = _posted_version(request)
    conflict = None
    if not errors:
        try:
            services.answer_save(
                cycle=cycle,
                question=question,
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
    cycle.refresh_from_db()
    if request.htmx:
        context = _question_context(
            request,
            cycle,
            question,
            errors=errors,
            conflict=conflict,
            saved=not errors and not conflict,
        )
        return render(request, "change_areas/_question_response.html", context)
    if conflict:
        return conflict_page(request, question, conflict, back=_back_to_question(cycle, question))
    if errors:
        for message in errors:
            messages.error(request, f"{question.code}: {message}")
        return redirect(_back_to_question(cycle, question))
    messages.success(request, _("Jawaban %(code)s disimpan.") % {"code": question.code})
    return redirect(_back_to_question(cycle, question))


@login_required
@require_POST
def answer_evidence(request: HttpRequest, pk: int, question_code: str) -> HttpResponse:
    """Attach a document from the library (or a new upload) to a question, or detach one."""
    cycle = _cycle_for(request.user, pk, Perm.EDIT_SELF)
    question = get_object_or_404(
        Question.objects.select_related("indicator__area__component"),
        framework=cycle.framework,
        code=question_code,
        is_active=True,
    )
    errors: list[str] = []
    action = request.POST.get("action", "attach")
    try:
        if action == "upload":
            form = forms.EvidenceUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                errors = [e for field_errors in form.errors.values() for e in field_errors]
            else:
                evidence = services.evidence_upload(
                    unit=cycle.unit,
                    uploaded_file=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    document_type=form.cleaned_data["document_type"],
                    valid_until=form.cleaned_data["valid_until"],
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
                services.answer_evidence_set(
                    cycle=cycle, question=question, evidence=evidence, attach=True, by=request.user
                )
        else:
            evidence = Evidence.objects.filter(
                unit=cycle.unit, pk=request.POST.get("evidence") or 0
            ).first()
            if evidence is None:
                errors = [_("Pilih bukti dukung dari pustaka unit.")]
            else:
                services.answer_evidence_set(
                    cycle=cycle,
                    question=question,
                    evidence=evidence,
                    attach=action != "detach",
                    by=request.user,
                )
    except ValidationError as error:
        errors = error.messages
    cycle.refresh_from_db()
    if request.htmx:
        context = _question_context(request, cycle, question, errors=errors)
        return render(request, "change_areas/_question_response.html", context)
    for message in errors:
        messages.error(request, f"{question.code}: {message}")
    if not errors:
        messages.success(request, _("Bukti dukung %(code)s diperbarui.") % {"code": question.code})
    return redirect(_back_to_question(cycle, question))


# --------------------------------------------------------------------------
# Work plans


@login_required
def work_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Every work-plan item of the cycle by area, with progress and what is overdue."""
    cycle = _cycle_for(request.user, pk)
    context = _cycle_context(request, cycle)
    items = list(
        WorkPlanItem.objects.filter(cycle=cycle)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "progress_entries", ProgressEntry.objects.select_related("evidence", "created_by")
            )
        )
        .order_by("area__order", "due_date", "pk")
    )
    _attach_item_forms(request, cycle, items, can_edit=context["can_edit"])
    groups: dict[int, dict] = {}
    for item in items:
        group = groups.setdefault(item.area_id, {"area": item.area, "items": []})
        group["items"].append(item)
    for group in groups.values():
        active = [i for i in group["items"] if i.status != "dibatalkan"]
        group["percent"] = sum(i.percent for i in active) / len(active) if active else 0
    context.update(
        {
            "groups": list(groups.values()),
            "item_form": forms.WorkPlanItemForm(cycle=cycle) if context["can_edit"] else None,
            "overdue_count": sum(1 for item in items if item.overdue),
        }
    )
    return render(request, "change_areas/work_plan.html", context)


def _attach_item_forms(
    request: HttpRequest, cycle: Cycle, items: list[WorkPlanItem], *, can_edit: bool
) -> None:
    """Mark overdue items and give each a progress form with ids of its own (one query)."""
    today = timezone.localdate()
    choices = forms.evidence_choices_for(cycle.unit) if can_edit and items else []
    for item in items:
        item.overdue = item.is_overdue(today)
        item.progress_form = (
            forms.ProgressEntryForm(
                unit=cycle.unit, evidence_choices=choices, auto_id=f"p{item.pk}_%s"
            )
            if can_edit
            else None
        )


def _next_url(request: HttpRequest, cycle: Cycle) -> str:
    target = request.POST.get("next", "")
    if target.startswith(f"/siklus/{cycle.pk}/") and "//" not in target:
        return target
    return reverse("change_areas:work_plan", kwargs={"pk": cycle.pk})


@login_required
@require_POST
def work_plan_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request.user, pk, Perm.EDIT_SELF)
    form = forms.WorkPlanItemForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services.work_plan_item_save(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Kegiatan “%(title)s” ditambahkan.") % {"title": form.cleaned_data["title"]},
            )
    else:
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(
                request, f"{label}: {' '.join(field_errors)}" if label else " ".join(field_errors)
            )
    return redirect(_next_url(request, cycle))


@login_required
def work_plan_item_edit(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    cycle = _cycle_for(request.user, pk, Perm.EDIT_SELF)
    item = get_object_or_404(WorkPlanItem.objects.select_related("area"), pk=item_id, cycle=cycle)
    form = forms.WorkPlanItemForm(request.POST or None, instance=item, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.work_plan_item_save(
                cycle=cycle, item=item, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kegiatan diperbarui."))
            return redirect("change_areas:work_plan", pk=cycle.pk)
    context = _cycle_context(request, cycle)
    context.update({"item": item, "form": form})
    return render(
        request,
        "change_areas/work_plan_item_edit.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def progress_entry_add(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    cycle = _cycle_for(request.user, pk, Perm.EDIT_SELF)
    item = get_object_or_404(WorkPlanItem, pk=item_id, cycle=cycle)
    form = forms.ProgressEntryForm(request.POST, unit=cycle.unit)
    if form.is_valid():
        try:
            services.progress_entry_add(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Kemajuan “%(title)s” dicatat: %(percent)s%%.")
                % {"title": item.title, "percent": form.cleaned_data["percent"]},
            )
    else:
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(
                request, f"{label}: {' '.join(field_errors)}" if label else " ".join(field_errors)
            )
    return redirect(_next_url(request, cycle))


# --------------------------------------------------------------------------
# Evidence


@login_required
def evidence_library(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's documents, where they are used, and the upload form."""
    unit = access.unit_for(request.user, code)
    can_edit = access.can(request.user, unit, Perm.EDIT_SELF)
    form = (
        forms.EvidenceUploadForm(request.POST or None, request.FILES or None) if can_edit else None
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                evidence = services.evidence_upload(
                    unit=unit,
                    uploaded_file=form.cleaned_data.pop("file"),
                    by=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(
                    request,
                    _("Bukti dukung “%(title)s” diunggah.") % {"title": evidence.title},
                )
                return redirect("change_areas:evidence_library", code=unit.code)
        status = 400
    query = request.GET.get("q", "").strip()[:100]
    documents = (
        Evidence.objects.for_unit(unit)
        .select_related("blob", "uploaded_by")
        .annotate(usage=Count("answers", distinct=True))
        .order_by("-created_at", "-pk")
    )
    if query:
        documents = documents.filter(Q(title__icontains=query) | Q(description__icontains=query))
    page = Paginator(documents, 50).get_page(request.GET.get("halaman"))
    return render(
        request,
        "change_areas/evidence_library.html",
        {
            "unit": unit,
            "ancestors": list(unit.ancestors()),
            "page": page,
            "form": form,
            "query": query,
            "can_edit": can_edit,
            "today": timezone.localdate(),
            "max_mb": services.settings.ZI_EVIDENCE_MAX_BYTES // 1_000_000,
        },
        status=status,
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A document, only for people who may see its unit; always as a download."""
    evidence = get_object_or_404(Evidence.objects.select_related("unit", "blob"), pk=pk)
    access.check(request.user, evidence.unit, Perm.VIEW)
    response = FileResponse(
        evidence.blob.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.blob.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_replace(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("unit"), pk=pk)
    access.check(request.user, evidence.unit, Perm.EDIT_SELF)
    form = forms.EvidenceReplaceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_replace(
                evidence=evidence, uploaded_file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Berkas “%(title)s” diganti; versi lama tersimpan di riwayat.")
                % {"title": evidence.title},
            )
    else:
        messages.error(request, _("Pilih berkas pengganti."))
    return redirect("change_areas:evidence_library", code=evidence.unit.code)


# --------------------------------------------------------------------------
# Prerequisites, gaps, exchange


@login_required
def prerequisites(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal prerequisites of the cycle's target as a checklist, recorded in place."""
    cycle = _cycle_for(request.user, pk)
    status = 200
    if request.method == "POST":
        prerequisite = get_object_or_404(
            Prerequisite, pk=request.POST.get("prerequisite") or 0, framework=cycle.framework
        )
        try:
            services.prerequisite_record_save(
                cycle=cycle,
                prerequisite=prerequisite,
                value=request.POST.get("value", "")[:40],
                note=request.POST.get("note", "")[:2000],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, f"{prerequisite.name}: {' '.join(error.messages)}")
            status = 400
        else:
            messages.success(request, _("%(name)s dicatat.") % {"name": prerequisite.name})
            return redirect("change_areas:prerequisites", pk=cycle.pk)
    context = _cycle_context(request, cycle)
    instansi = selectors.instansi_of(cycle.unit)
    context.update(
        {
            "checks": selectors.prerequisite_checklist(cycle),
            "instansi": instansi,
            "can_record_instansi": access.can(request.user, instansi, Perm.ADMINISTER),
            "can_record_unit": access.can(request.user, cycle.unit, Perm.SUBMIT_SELF),
        }
    )
    return render(request, "change_areas/prerequisites.html", context, status=status)


@login_required
def gap_planner(request: HttpRequest, pk: int) -> HttpResponse:
    """The questions whose improvement adds the most points toward the target."""
    cycle = _cycle_for(request.user, pk)
    spec = selectors.catalog_spec(cycle.framework)
    card = selectors.scorecard(cycle, Layer.SELF, spec=spec)
    gaps = scoring.gaps(spec, card)[:30]
    questions = {
        q.code: q
        for q in Question.objects.filter(
            framework=cycle.framework, code__in=[g.question for g in gaps]
        ).select_related("indicator__area__component")
    }
    rows = [
        {
            "gap": gap,
            "question": questions[gap.question],
            "url": _back_to_question(cycle, questions[gap.question]),
        }
        for gap in gaps
    ]
    target_rule = next(
        (
            rule
            for rule in spec.thresholds
            if rule.predicate == cycle.target and rule.kind == "min_total"
        ),
        None,
    )
    needed = (
        max(0.0, target_rule.minimum - card.total) if target_rule and target_rule.minimum else 0.0
    )
    running = 0.0
    for row in rows:
        running += row["gap"].points
        row["cumulative"] = running
        row["reaches_target"] = (
            needed > 0
            and running + scoring.EPSILON >= needed
            and running - row["gap"].points < needed
        )
    context = _cycle_context(request, cycle)
    context.update(
        {
            "rows": rows,
            "card": card,
            "needed": needed,
            "target_minimum": target_rule.minimum if target_rule else None,
        }
    )
    return render(request, "change_areas/gap_planner.html", context)


def _layer_param(request: HttpRequest, cycle: Cycle) -> str:
    layer = request.GET.get("layer", Layer.SELF)
    if layer not in Layer.values:
        raise Http404
    if layer != Layer.SELF and not (
        access.can(request.user, cycle.unit, Perm.REVIEW_TPI)
        or access.can(request.user, cycle.unit, Perm.REVIEW_TPN)
        or access.can(request.user, cycle.unit, Perm.ADMINISTER)
    ):
        raise PermissionDenied
    return layer


@login_required
def scorecard_json(request: HttpRequest, pk: int) -> JsonResponse:
    cycle = _cycle_for(request.user, pk)
    layer = _layer_param(request, cycle)
    return JsonResponse(
        selectors.scorecard_json(cycle, layer), json_dumps_params={"ensure_ascii": False}
    )


@login_required
def scorecard_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The recap laid out like the workbook's: areas × pemenuhan/reform, Hasil, total, eligibility."""
    cycle = _cycle_for(request.user, pk)
    layer = _layer_param(request, cycle)
    card = selectors.scorecard(cycle, layer)
    spec_areas = list(
        Area.objects.filter(framework=cycle.framework, is_active=True)
        .select_related("component")
        .prefetch_related("parts")
        .order_by("order")
    )
    rows = []
    for area in spec_areas:
        node = card.areas.get(area.code)
        parts = (
            {p.kind: p for p in area.parts.all()}
            if area.component.kind == ComponentKind.PENGUNGKIT
            else {}
        )
        rows.append(
            {
                "area": area,
                "node": node,
                "pemenuhan": card.parts.get(parts["pemenuhan"].code)
                if "pemenuhan" in parts
                else None,
                "reform": card.parts.get(parts["reform"].code) if "reform" in parts else None,
            }
        )
    rendered = render_pdf(
        "pdf/scorecard.html",
        {
            "cycle": cycle,
            "unit": cycle.unit,
            "layer": Layer(layer).label,
            "card": card,
            "rows": rows,
            "pengungkit_rows": [
                r for r in rows if r["area"].component.kind == ComponentKind.PENGUNGKIT
            ],
            "hasil_rows": [r for r in rows if r["area"].component.kind == ComponentKind.HASIL],
            "generated": timezone.localtime(),
            "document_number": f"LKE-{cycle.unit.code}-{cycle.year}-{layer}",
            "logo": image_data_uri(cycle.unit.logo),
        },
        filename=f"rekap-lke-{cycle.unit.code}-{cycle.year}-{layer}.pdf",
    )
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'inline; filename="{rendered.filename}"'
    return response


@login_required
def lke_export(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request.user, pk)
    layer = _layer_param(request, cycle)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    dataset = lke.export_dataset(cycle, layer)
    content = dataset.export(fmt)
    response = HttpResponse(
        content,
        content_type="text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="lke-{cycle.unit.code}-{cycle.year}-{layer}.{fmt}"'
    )
    return response


@login_required
def lke_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload an LKE file into the self-assessment: all rows or none, errors by row."""
    cycle = _cycle_for(request.user, pk, Perm.EDIT_SELF)
    form = forms.LkeImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    context = _cycle_context(request, cycle)
    if request.method == "POST":
        if not context["editable"]:
            raise PermissionDenied(context["edit_reason"])
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > 5_000_000:
                    raise ImportFileError(_("Berkas LKE terlalu besar (batas 5 MB)."))
                dataset = read_dataset(upload.read(), file_name=upload.name)
                written = lke.import_dataset(cycle, Layer.SELF, dataset, by=request.user)
            except ImportFileError as error:
                errors = [str(error)]
            except lke.LkeImportError as error:
                errors = error.errors
            else:
                messages.success(
                    request, _("%(count)d jawaban diimpor dari berkas.") % {"count": written}
                )
                return redirect(cycle)
    context.update({"form": form, "errors": errors})
    return render(
        request,
        "change_areas/lke_import.html",
        context,
        status=400 if errors or form.errors else 200,
    )


# --------------------------------------------------------------------------
# Campaigns


def _campaign_roots(user):
    """Units where the person may open a campaign: those they administer."""
    if user.is_superuser:
        return Unit.objects.filter(numchild__gt=0)
    paths = [
        m.unit.path
        for m in access.memberships_of(user)
        if Perm.ADMINISTER in access.ROLE_PERMS[m.role]
    ]
    return Unit.objects.within_paths(paths).filter(numchild__gt=0)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    roots = _campaign_roots(request.user)
    campaigns = (
        Campaign.objects.filter(root__in=Unit.objects.visible_to(request.user))
        .select_related("root", "framework")
        .annotate(cycle_count=Count("cycles"))
    )
    can_open = roots.exists()
    form = forms.CampaignForm(request.POST or None, roots=roots) if can_open else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                campaign, created, skipped = services.campaign_open(
                    by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "Kampanye dibuka: %(created)d siklus baru, %(skipped)d unit sudah memiliki siklus."
                    )
                    % {"created": created, "skipped": skipped},
                )
                return redirect(campaign)
        status = 400
    return render(
        request,
        "change_areas/campaign_list.html",
        {"campaigns": campaigns, "form": form},
        status=status,
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("root", "framework"), pk=pk)
    access.check(request.user, campaign.root, Perm.VIEW)
    cycles = Cycle.objects.filter(campaign=campaign).select_related("unit").order_by("unit__path")
    page = Paginator(cycles, 100).get_page(request.GET.get("halaman"))
    return render(
        request, "change_areas/campaign_detail.html", {"campaign": campaign, "page": page}
    )
