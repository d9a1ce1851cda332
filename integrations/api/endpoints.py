"""The operations of the REST API, each declaring who may call it (integrations.api.access).

Reads use the apps' selectors and writes their services with `by=` the token's person,
so an answer written here passes the same rules (windows, whose turn, the workflow
table) and lands in the same history as one saved on the page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from change_areas import scopes, selectors, services, workflow
from change_areas.models import Cycle, Layer, PredicateAward, ProgressEntry, Question
from integrations.api import schemas
from integrations.api.access import api_permission, api_public, api_signed_in
from units.access import UNIT, Perm, perm_by
from units.models import Unit

router = Router()

LAYER_WRITE = perm_by("layer", {layer.value: perm for layer, perm in workflow.LAYER_PERMS.items()})


def _cycle_out(cycle: Cycle) -> dict:
    return {
        "id": cycle.pk,
        "unit_code": cycle.unit.code,
        "year": cycle.year,
        "framework": cycle.framework.code,
        "target": cycle.target,
        "stage": cycle.stage,
        "fill_opens": cycle.fill_opens,
        "fill_closes": cycle.fill_closes,
        "review_opens": cycle.review_opens,
        "review_closes": cycle.review_closes,
        "self_total": float(cycle.self_total),
        # A figure means what its label says: the TPI's score once the TPI made it final.
        "tpi_total": float(cycle.tpi_total)
        if cycle.tpi_finalised_at and cycle.tpi_total is not None
        else None,
        "tpn_total": float(cycle.tpn_total)
        if cycle.decided_at and cycle.tpn_total is not None
        else None,
        "work_plan_percent": float(cycle.work_plan_percent),
    }


def _with_parent_code(units):
    parent = Unit.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    ).values("code")[:1]
    return units.annotate(parent_code=Subquery(parent))


def _require_layer(request, cycle: Cycle, layer: str) -> None:
    if layer not in Layer.values:
        raise Http404
    if not selectors.may_read_layer(request.user, cycle, layer):
        raise PermissionDenied


@router.get("/me", response=schemas.Me, summary="Pemilik token")
@api_signed_in
def me(request):
    token = request.auth
    return {
        "username": request.user.username,
        "full_name": request.user.get_full_name(),
        "nip": request.user.nip,
        "token": token.name,
        "read_only": token.read_only,
        "expires_at": token.expires_at,
    }


@router.get("/units", response=list[schemas.UnitOut], summary="Unit yang dapat dilihat")
@paginate(LimitOffsetPagination)
@api_signed_in
def unit_list(request):
    return _with_parent_code(Unit.objects.visible_to(request.user).active().order_by("path"))


@router.get("/units/{code}", response=schemas.UnitOut, summary="Satu unit")
@api_permission(Perm.VIEW, scope=UNIT)
def unit_detail(request, unit):
    return _with_parent_code(Unit.objects.filter(pk=unit.pk)).get()


@router.get("/units/{code}/cycles", response=list[schemas.CycleOut], summary="Siklus unit")
@api_permission(Perm.VIEW, scope=UNIT)
def unit_cycles(request, unit):
    cycles = Cycle.objects.filter(unit=unit).select_related("unit", "framework").order_by("-year")
    return [_cycle_out(cycle) for cycle in cycles]


@router.get("/units/{code}/predicates", response=list[schemas.AwardOut], summary="Predikat unit")
@api_permission(Perm.VIEW, scope=UNIT)
def unit_predicates(request, unit):
    return PredicateAward.objects.filter(unit=unit).select_related("unit").order_by("-year", "pk")


@router.get("/cycles/{pk}", response=schemas.CycleOut, summary="Satu siklus")
@api_permission(Perm.VIEW, scope=scopes.CYCLE)
def cycle_detail(request, cycle):
    return _cycle_out(cycle)


@router.get(
    "/cycles/{pk}/scorecards/{layer}",
    response=schemas.ScorecardOut,
    summary="Nilai satu lapis (self, pre, tpi, tpn)",
)
@api_permission(Perm.VIEW, scope=scopes.CYCLE)
def scorecard(request, cycle, layer: str):
    _require_layer(request, cycle, layer)
    card = selectors.scorecard(cycle, layer)

    def nodes(items):
        return [
            {
                "code": n.code,
                "name": n.name,
                "weight": n.weight,
                "value": round(n.value, 4),
                "answered": n.answered,
                "questions": n.questions,
            }
            for n in items.values()
        ]

    return {
        "cycle": cycle.pk,
        "layer": layer,
        "framework": card.framework,
        "total": round(card.total, 4),
        "completeness": round(card.completeness, 4),
        "components": nodes(card.components),
        "areas": nodes(card.areas),
        "eligibility": [
            {
                "predicate": e.predicate,
                "eligible": e.eligible,
                "failed": [f.message for f in e.failed],
            }
            for e in card.eligibility.values()
        ],
    }


def _answer_out(answer) -> dict:
    return {
        "code": answer.question.code,
        "option": answer.option or None,
        "number": None if answer.number is None else float(answer.number),
        "inputs": {k: float(v) for k, v in (answer.inputs or {}).items() if v is not None},
        "value": None if answer.value is None else float(answer.value),
        "note": answer.note,
        "version": answer.version,
        "updated_at": answer.updated_at,
    }


@router.get(
    "/cycles/{pk}/answers/{layer}",
    response=list[schemas.AnswerOut],
    summary="Jawaban satu lapis, menurut kode LKE",
)
@api_permission(Perm.VIEW, scope=scopes.CYCLE)
def answer_list(request, cycle, layer: str):
    _require_layer(request, cycle, layer)
    answers = selectors.layer_answers(cycle, layer)
    return [_answer_out(answers[code]) for code in sorted(answers)]


@router.put(
    "/cycles/{pk}/answers/{layer}/{question_code}",
    response={200: schemas.AnswerOut, 409: schemas.AnswerOut},
    summary="Menyimpan satu jawaban (aturan, jendela waktu dan riwayat sama dengan halaman)",
)
@api_permission(LAYER_WRITE, scope=scopes.CYCLE)
def answer_put(request, cycle, layer: str, question_code: str, payload: schemas.AnswerIn):
    question = get_object_or_404(
        Question, framework=cycle.framework, code=question_code, is_active=True
    )
    try:
        answer, _card = services.answer_save(
            cycle=cycle,
            question=question,
            layer=layer,
            option=payload.option,
            number=payload.number,
            inputs=payload.inputs,
            note=payload.note,
            by=request.user,
            expected_version=payload.expected_version,
        )
    except services.AnswerConflict as conflict:
        return Status(409, _answer_out(conflict.current))
    return _answer_out(answer)


@router.get(
    "/cycles/{pk}/work-plan",
    response=list[schemas.WorkPlanItemOut],
    summary="Rencana kerja dan kemajuannya",
)
@api_permission(Perm.VIEW, scope=scopes.CYCLE)
def work_plan(request, cycle):
    items = (
        cycle.work_plan_items.select_related("area")
        .prefetch_related(
            Prefetch("progress_entries", ProgressEntry.objects.order_by("date", "pk"))
        )
        .order_by("area__order", "due_date", "pk")
    )
    return [
        {
            "id": item.pk,
            "area": item.area.code,
            "title": item.title,
            "person_in_charge": item.person_in_charge,
            "start_date": item.start_date,
            "due_date": item.due_date,
            "status": item.status,
            "percent": item.percent,
            "progress": [
                {"date": e.date, "percent": e.percent, "note": e.note}
                for e in item.progress_entries.all()
            ],
        }
        for item in items
    ]


@router.post(
    "/cycles/{pk}/work-plan/{item_id}/progress",
    response={201: schemas.ProgressOut},
    summary="Mencatat kemajuan satu kegiatan",
)
@api_permission(Perm.EDIT_SELF, scope=scopes.WORK_PLAN_ITEM)
def progress_add(request, item, payload: schemas.ProgressIn):
    entry = services.progress_entry_add(
        item=item, note=payload.note, percent=payload.percent, date=payload.date, by=request.user
    )
    return Status(201, {"date": entry.date, "percent": entry.percent, "note": entry.note})


@router.get(
    "/registry",
    response=list[schemas.AwardOut],
    auth=None,
    summary="Registri publik predikat yang berlaku (tanpa token)",
)
@paginate(LimitOffsetPagination)
@api_public
def registry(request, year: int | None = None, predicate: str | None = None):
    awards = PredicateAward.objects.held().filter(unit__is_active=True).select_related("unit")
    if year:
        awards = awards.filter(year=year)
    if predicate:
        awards = awards.filter(predicate=predicate)
    return awards.order_by("-year", "predicate", "unit__name", "pk")
