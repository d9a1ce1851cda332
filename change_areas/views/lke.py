"""The LKE pages of a cycle: a change area (or Hasil) with its questions, and the one path
that saves an answer of any layer — the unit's own from the area page, a
reviewer's from the review page — and attaches evidence."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, selectors, services, workflow
from change_areas.models import Answer, Cycle, Evidence, Layer, ProgressEntry, WorkPlanItem
from change_areas.views import common
from lib.forms import id_from
from units.access import Perm, perm_by, unit_permission


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def area_page(request: HttpRequest, cycle: Cycle, area_code: str) -> HttpResponse:
    """One change area: its indicators and questions with the right control per answer type."""
    areas, title = common.areas_of(cycle, area_code)
    return render_area_page(request, cycle, areas, title=title, current=area_code)


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def hasil_page(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The Hasil component: survey indices and capaian kinerja."""
    areas, title = common.areas_of(cycle, "hasil")
    return render_area_page(request, cycle, areas, title=title, current="hasil")


def render_area_page(
    request: HttpRequest,
    cycle: Cycle,
    areas: list,
    *,
    title: str,
    current: str,
    item_form=None,
    status: int = 200,
) -> HttpResponse:
    """An area page; `item_form` is a work-plan activity form sent with errors, shown again."""
    context = common.cycle_context(request, cycle)
    shown = workflow.shown_review_layer(cycle)
    sections = selectors.area_sections(cycle, areas, review_layer=shown, rounds_layer=shown)
    common.lock_unreturned(
        cycle,
        (
            card
            for _area, parts in sections
            for part in parts
            for indicator in part.indicators
            for card in common.question_cards(indicator)
        ),
    )
    items = []
    if cycle.work_plan_framework_id == cycle.framework_id:
        items = list(
            WorkPlanItem.objects.filter(cycle=cycle, area__in=areas)
            .select_related("area", "assignee")
            .prefetch_related(
                Prefetch(
                    "progress_entries",
                    ProgressEntry.objects.select_related("evidence", "created_by"),
                )
            )
        )
    common.attach_item_forms(request, cycle, items, can_edit=context["can_edit"])
    context.update(
        {
            "sections": sections,
            "areas": areas,
            "title": title,
            "current": current,
            "items": items,
            "item_form": item_form
            or (
                forms.WorkPlanItemForm(cycle=cycle, initial={"area": areas[0]})
                if context["can_edit"] and cycle.work_plan_framework_id == cycle.framework_id
                else None
            ),
            "upload_form": forms.EvidenceUploadForm() if context["editable"] else None,
        }
    )
    return render(request, "change_areas/area_page.html", context, status=status)


# --------------------------------------------------------------------------
# One question: save an answer, attach evidence. htmx gets the question card and
# the area's new score back; a plain form a redirect (or the conflict page).


REVIEW_PERMS = perm_by(
    "layer", {layer.value: workflow.LAYER_PERMS[layer] for layer in workflow.REVIEW_STAGE}
)


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
@require_POST
def answer_save(request: HttpRequest, cycle: Cycle, question_code: str) -> HttpResponse:
    """The unit saves its own answer to one question."""
    return _save_answer(request, cycle, question_code, Layer.SELF)


@unit_permission(REVIEW_PERMS, scope=scopes.CYCLE)
@require_POST
def review_answer_save(
    request: HttpRequest, cycle: Cycle, layer: str, question_code: str
) -> HttpResponse:
    """A reviewer saves their layer's answer to one question, beside the unit's."""
    return _save_answer(request, cycle, question_code, Layer(layer))


def _save_answer(
    request: HttpRequest, cycle: Cycle, question_code: str, layer: Layer
) -> HttpResponse:
    """The one answer-save path of every layer: parse, save through the service, respond."""
    question = common.question_of(cycle, question_code)
    expected_version = common.posted_version(request)
    form = forms.AnswerForm(
        request.POST, question=selectors.catalog_question_specs(cycle.framework)[question.code]
    )
    errors = [] if form.is_valid() else form.messages()
    data = form.answer() if not errors else None
    note = form.cleaned_data.get("note", "")
    conflict = None
    saved = None
    if not errors:
        try:
            saved, _card = services.answer_save(
                cycle=cycle,
                question=question,
                layer=layer,
                option=data.option,
                number=data.number,
                inputs=data.inputs,
                note=note,
                by=request.user,
                expected_version=expected_version,
            )
        except ValidationError as error:
            errors = error.messages
        except services.AnswerConflict as clash:
            conflict = {"current": clash.current, "mine": data, "note": note}
    if request.htmx:
        return common.question_fragment(
            request,
            cycle,
            question,
            layer,
            saved_answer=saved,
            errors=errors,
            conflict=conflict,
            saved=saved is not None,
        )
    back = common.back_to_question(cycle, question, layer)
    if conflict:
        return common.conflict_page(request, question, conflict, back=back)
    for message in errors:
        messages.error(request, f"{question.code}: {message}")
    if not errors:
        messages.success(
            request,
            (
                _("Jawaban %(code)s disimpan.")
                if layer == Layer.SELF
                else _("Nilai %(code)s disimpan.")
            )
            % {"code": question.code},
        )
    return redirect(back)


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
@require_POST
def answer_evidence(request: HttpRequest, cycle: Cycle, question_code: str) -> HttpResponse:
    """Attach a document from the library (or a new upload) to a question, or detach one."""
    question = common.question_of(cycle, question_code)
    errors: list[str] = []
    notices: list[str] = []
    action = request.POST.get("action", "attach")
    try:
        if action == "upload":
            form = forms.EvidenceUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                errors = [e for field_errors in form.errors.values() for e in field_errors]
            else:
                evidence = services.answer_evidence_upload(
                    cycle=cycle,
                    question=question,
                    uploaded_file=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    document_type=form.cleaned_data["document_type"],
                    valid_until=form.cleaned_data["valid_until"],
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
                if evidence.reused:
                    notices.append(
                        _(
                            "Berkas yang sama sudah ada di pustaka sebagai “%(title)s”; dokumen itu yang dipakai."
                        )
                        % {"title": evidence.title}
                    )
        else:
            evidence = Evidence.objects.filter(
                unit=cycle.unit, pk=id_from(request.POST.get("evidence")) or 0
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
    if request.htmx:
        return common.question_fragment(
            request, cycle, question, Layer.SELF, errors=errors, notices=notices
        )
    for message in errors:
        messages.error(request, f"{question.code}: {message}")
    for message in notices:
        messages.info(request, f"{question.code}: {message}")
    if not errors:
        messages.success(request, _("Bukti dukung %(code)s diperbarui.") % {"code": question.code})
    return redirect(common.back_to_question(cycle, question))


# How many documents a search of the library lists; the person narrows the words for more.
SEARCH_RESULTS = 10


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
def evidence_search(
    request: HttpRequest, cycle: Cycle, question_code: str | None = None
) -> HttpResponse:
    """Documents of the unit's library whose title or description holds the words typed,
    newest first: the one search every evidence picker asks (the library is never sent
    whole, so no page grows with it).

    Where a document goes: with a question (`evidence_search`), a button attaches it to
    the answer; without (`evidence_pick`), it is picked for the form field `untuk` (a
    work-plan progress entry, a follow-up report), as radios of the field's name inside
    that form (htmx), or, on the plain page, a "Pilih" link back to `kembali` with the
    document picked (`?untuk=…&bukti=…`). htmx gets the list alone; a plain GET the page.
    """
    question = common.question_of(cycle, question_code) if question_code else None
    picker = None if question else common.picker_from(request, cycle)
    words = request.GET.get("q", "").strip()[:100]
    found = Evidence.objects.for_unit(cycle.unit).only("pk", "title", "valid_until", "created_at")
    for word in words.split()[:5]:
        found = found.filter(Q(title__icontains=word) | Q(description__icontains=word))
    documents = list(found.order_by("-created_at", "-pk")[: SEARCH_RESULTS + 1])
    # What each document listed already supports, as the library page shows it (one query).
    prefetch_related_objects(
        documents[:SEARCH_RESULTS],
        Prefetch(
            "answers",
            Answer.objects.filter(layer=Layer.SELF)
            .select_related("question", "cycle")
            .order_by("-cycle__year", "question__order", "question__code"),
            to_attr="uses",
        ),
    )
    context = {
        "cycle": cycle,
        "unit": cycle.unit,
        "question": question,
        "picker": picker,
        "words": words,
        "documents": documents[:SEARCH_RESULTS],
        "more": len(documents) > SEARCH_RESULTS,
        "back": picker["back"] if picker else common.back_to_question(cycle, question),
    }
    template = "change_areas/evidence_search.html"
    return render(request, f"{template}#results" if request.htmx else template, context)
