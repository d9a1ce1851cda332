"""What several pages of a cycle share: the context every cycle page shows (header,
navigation, the moves the person may make), finding a question or an area of
the cycle's catalog, and the way back to a question after a plain form."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from change_areas import forms, selectors, services, workflow
from change_areas.models import (
    LAYER_SHORT_LABELS,
    Answer,
    Area,
    ComponentKind,
    Cycle,
    Layer,
    Question,
    QuestionReview,
    ReviewStatus,
)
from lib.concurrency import posted_revision
from units import access
from units.access import Perm


def cycle_context(request: HttpRequest, cycle: Cycle) -> dict:
    """The header, navigation and moves of a cycle page. Two queries (ancestors, areas)."""
    editable, reason = workflow.layer_edit_state(cycle, Layer.SELF, request.user)
    return {
        "cycle": cycle,
        "unit": cycle.unit,
        "ancestors": list(cycle.unit.ancestors()),
        "summary": cycle.summary(Layer.SELF),
        "editable": editable,
        "edit_reason": reason,
        "can_edit": access.can(request.user, cycle.unit, Perm.EDIT_SELF),
        "moves": workflow.allowed(cycle, request.user),
        "comment_side": services.comment_side(cycle, request.user),
        "review_layers": [
            layer
            for layer in (Layer.PRE, Layer.TPI, Layer.TPN)
            if access.can(request.user, cycle.unit, workflow.LAYER_PERMS[layer])
        ],
        "nav_areas": list(
            Area.objects.filter(framework=cycle.framework, is_active=True)
            .select_related("component")
            .order_by("order")
        ),
    }


def areas_of(cycle: Cycle, area_code: str) -> tuple[list[Area], str]:
    """The areas a page shows: one change area by its code, or every area of Hasil ("hasil")."""
    if area_code == "hasil":
        areas = list(
            Area.objects.filter(
                framework=cycle.framework, component__kind=ComponentKind.HASIL, is_active=True
            )
            .select_related("component")
            .order_by("order")
        )
        if not areas:
            raise Http404
        return areas, _("Hasil")
    area = get_object_or_404(
        Area.objects.select_related("component"),
        framework=cycle.framework,
        code=area_code,
        is_active=True,
    )
    return [area], area.name


def question_of(cycle: Cycle, code: str) -> Question:
    """An active question of the cycle's catalog by its code, else 404: the row with its
    indicator, area, options and inputs, kept per catalog revision (no query once kept)."""
    question = selectors.catalog_questions(cycle.framework).get(code)
    if question is None:
        raise Http404
    return question


def area_page_code(question: Question) -> str:
    """The `area_code` of the page a question is shown on ("hasil" for Hasil questions)."""
    area = question.indicator.area
    return "hasil" if area.component and area.component.kind == ComponentKind.HASIL else area.code


def back_to_question(cycle: Cycle, question: Question, layer: str = Layer.SELF) -> str:
    """The page, anchored at the question, that a plain (no-JavaScript) form returns to."""
    code = area_page_code(question)
    if layer != Layer.SELF:
        url = reverse(
            "change_areas:review", kwargs={"pk": cycle.pk, "layer": layer, "area_code": code}
        )
    elif code == "hasil":
        url = reverse("change_areas:hasil", kwargs={"pk": cycle.pk})
    else:
        url = reverse("change_areas:area", kwargs={"pk": cycle.pk, "area_code": code})
    return f"{url}#q-{question.code.replace('.', '-')}"


def question_cards(indicator_view):
    """Every question card of an indicator card, its sub-indicators' included."""
    yield from indicator_view.questions
    for child in indicator_view.children:
        yield from child.questions


def lock_unreturned(cycle: Cycle, cards) -> None:
    """While the unit holds returned questions, only those are open for it."""
    if not workflow.has_open_returns(cycle):
        return
    for card in cards:
        card.editable = bool(card.review and card.review.is_returned)


def own_page(request: HttpRequest, cycle: Cycle, fallback: str) -> str:
    """The `next` a form posted, when it is a page of this cycle; else the fallback."""
    return own_path(cycle, request.POST.get("next", ""), fallback)


def own_path(cycle: Cycle, target: str, fallback: str) -> str:
    """`target` when it is a page of this cycle; else the fallback."""
    if target.startswith(f"/siklus/{cycle.pk}/") and "//" not in target:
        return target
    return fallback


# The element id (`untuk`) and name (`nama`) of a form field a library search picks for
# (change_areas.forms.LibraryPicker): letters, digits, "_" and "-" only.
PICKER_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,59}")


def picker_from(request: HttpRequest, cycle: Cycle) -> dict:
    """The form field a library search picks a document for, from the search's query
    string, and the page that form is on (`kembali`, a page of this cycle, else the work
    plan); 404 when the field is not one. `pick` + a document's id + `anchor` is the
    link that goes back with the document picked (see `picked_for`)."""
    field_id = request.GET.get("untuk", "")
    name = request.GET.get("nama", "evidence")
    if not (PICKER_FIELD.fullmatch(field_id) and PICKER_FIELD.fullmatch(name)):
        raise Http404
    back = own_path(
        cycle,
        request.GET.get("kembali", ""),
        reverse("change_areas:work_plan", kwargs={"pk": cycle.pk}),
    )
    path, _hash, anchor = back.partition("#")
    separator = "&" if "?" in path else "?"
    return {
        "id": field_id,
        "name": name,
        "back": back,
        "pick": f"{path}{separator}{urlencode({'untuk': field_id})}&bukti=",
        "anchor": f"#{anchor}" if anchor else "",
    }


def picked_for(request: HttpRequest, field_id: str) -> dict:
    """The `initial` of a form whose picker field has the element id `field_id`: the
    document a plain search page came back with for it (`?untuk=…&bukti=…`), if any;
    the form checks it belongs to the unit's library."""
    if request.GET.get("untuk") == field_id and request.GET.get("bukti"):
        return {"evidence": request.GET["bukti"]}
    return {}


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


def question_views(cycle: Cycle, question: Question, layer: str, **options):
    """The card of one question of one layer, with its comments (for an htmx fragment)."""
    return selectors.question_views(cycle, [question], layer, with_comments=True, **options)[
        question.code
    ]


def posted_version(request: HttpRequest) -> int:
    """The answer version the form was loaded with (0: the question had no answer yet).

    Every answer form sends it; a post without it, or with anything but a
    number, is refused with a 400 before anything is read or written, never
    saved over whatever is there (lib.concurrency.posted_revision).
    """
    return posted_revision(request.POST, "version")


def moved_figures(summary: dict, question: Question) -> list[tuple[str, float | None]]:
    """The (HTML id, value) of the indicator figures and the part figure that an answer to
    `question` moves, read from a stored summary. Needs the question's indicator."""
    indicator = question.indicator
    figures = []
    for code in filter(None, [indicator.code, getattr(indicator.parent, "code", None)]):
        figures.append(
            (
                f"ind-{code.replace('.', '-')}",
                summary.get("indicators", {}).get(code, {}).get("value"),
            )
        )
    if indicator.part_id:
        code = indicator.part.code
        figures.append(
            (f"part-{code.replace('.', '-')}", summary.get("parts", {}).get(code, {}).get("value"))
        )
    return figures


def question_fragment(
    request: HttpRequest,
    cycle: Cycle,
    question: Question,
    layer: str,
    *,
    saved_answer: Answer | None = None,
    **extra,
) -> HttpResponse:
    """The question card of the layer, and out of band every figure the answer moves.

    After a save, `saved_answer` (whose `cycle` is the cycle as the save left it)
    spares reading both again.
    """
    answers = None
    if saved_answer is not None:
        cycle = saved_answer.cycle
        answers = {question.pk: saved_answer}
    else:
        cycle = Cycle.objects.select_related("unit", "framework").get(pk=cycle.pk)
    area = question.indicator.area
    if layer == Layer.SELF:
        shown = workflow.shown_review_layer(cycle)
        card = question_views(
            cycle,
            question,
            Layer.SELF,
            review_layer=shown,
            rounds_layer=shown,
            answers=answers,
        )
        lock_unreturned(cycle, [card])
        editable, reason = workflow.layer_edit_state(cycle, Layer.SELF, request.user)
        context = {
            "q": card,
            "editable": editable,
            "edit_reason": reason,
            # `node`: the name the page's area_summary partial reads its figures from
            "node": cycle.summary(Layer.SELF).get("areas", {}).get(area.code, {}),
            "summary": cycle.summary(Layer.SELF),
            "oob_figures": moved_figures(cycle.summary(Layer.SELF), question),
            "moves": workflow.allowed(cycle, request.user),
        }
        template = "change_areas/area_page.html#question_update"
    else:
        marks = layer if layer in workflow.MARKING_LAYERS else None
        card = question_views(
            cycle, question, layer, review_layer=marks, rounds_layer=marks, answers=answers
        )
        card.counterpart = selectors.question_views(cycle, [question], Layer.SELF)[question.code]
        editable, _reason = workflow.layer_edit_state(cycle, layer, request.user)
        context = {
            "q": card,
            "layer": layer,
            "layer_label": Layer(layer).label,
            "layer_short": LAYER_SHORT_LABELS[layer],
            "layer_final": cycle.layer_counts(layer),
            "review_editable": editable,
            "marks": bool(marks),
            "layer_node": cycle.summary(layer).get("areas", {}).get(area.code, {}),
            "self_node": cycle.summary(Layer.SELF).get("areas", {}).get(area.code, {}),
            "layer_summary": cycle.summary(layer),
            "self_summary": cycle.summary(Layer.SELF),
            "counts": review_counts(cycle, marks) if marks else {},
            "oob_figures": moved_figures(cycle.summary(layer), question),
            "moves": workflow.allowed(cycle, request.user),
            # the page the card sits on, for the actions swapped out of band with it
            "current": area_page_code(question),
            "page_path": reverse(
                "change_areas:review",
                kwargs={"pk": cycle.pk, "layer": layer, "area_code": area_page_code(question)},
            ),
        }
        template = "change_areas/review_area.html#question_update"
    context.update(
        {
            "cycle": cycle,
            "area": area,
            "comment_side": services.comment_side(cycle, request.user),
            "oob": True,
            **extra,
        }
    )
    return render(request, template, context)


def review_counts(cycle: Cycle, layer: str) -> dict[str, int]:
    """How many questions of the layer's review stand in each status, and in all. One query."""
    counts = {status: 0 for status in ReviewStatus.values}
    for row in (
        QuestionReview.objects.filter(cycle=cycle, layer=layer)
        .values("status")
        .annotate(n=Count("pk"))
    ):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def attach_item_forms(
    request: HttpRequest,
    cycle: Cycle,
    items: list,
    *,
    can_edit: bool,
    bound: dict | None = None,
) -> None:
    """Mark overdue items and give each a progress form with ids of its own (no query;
    one when a plain search page came back with a document picked for one of them).

    `bound` maps an item's id to the form a person just sent with errors: it is shown
    again, with what they typed and why it was refused.
    """
    today = timezone.localdate()
    for item in items:
        item.overdue = item.is_overdue(today)
        item.progress_form = (
            (bound or {}).get(item.pk)
            or forms.ProgressEntryForm(
                unit=cycle.unit,
                auto_id=f"p{item.pk}_%s",
                initial=picked_for(request, f"p{item.pk}_evidence"),
            )
            if can_edit
            else None
        )
