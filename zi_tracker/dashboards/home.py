"""What each person has to do now, for the home page, in a constant number of queries.

Sections follow the roles a person holds (a role covers its unit's subtree):

- everyone given work: "Tugas saya" — the areas, questions and activities
  assigned to them, with due dates;
- staff, coordinators, unit admins: open self-assessments with what is left
  to answer, questions returned for revision, filling windows closing soon,
  overdue work-plan items, recommendations waiting for follow-up;
- pre/TPI/TPN reviewers: cycles waiting for their review, review windows
  closing soon, follow-ups waiting for their verdict;
- unit admins and national admins: final declarations not yet signed;
- leadership viewers (and national admins): their subtree at a glance.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from change_areas import selectors, tallies, workflow
from change_areas.models import (
    OPEN_REVIEW_STATUSES,
    OPEN_STATUSES,
    STAGE_ORDER,
    Cycle,
    Layer,
    QuestionReview,
    Recommendation,
    RecommendationStatus,
    ReviewStatus,
    Stage,
    WorkPlanItem,
    counted_rows,
)
from declarations.models import Declaration, DeclarationStatus
from units import access
from units.access import ROLE_PERMS, Perm
from units.models import Role, Unit

CLOSING_DAYS = 14
LIMIT = 10
REVIEW_PERMS = {layer: workflow.LAYER_PERMS[layer] for layer in workflow.REVIEW_STAGE}
SUMMARY_SCOPES = 5


@dataclass
class ScopeSummary:
    unit: Unit
    year: int
    cycles: int
    stages: list[tuple[str, int]]
    wbk_self: int
    wbk_tpi: int


@dataclass
class HomeTasks:
    today: datetime.date
    closing_by: datetime.date
    mine: list = field(default_factory=list)  # selectors.Task: what is given to this person
    to_follow_up: list[Recommendation] = field(default_factory=list)
    to_verify: list[Recommendation] = field(default_factory=list)
    to_answer: list[Cycle] = field(default_factory=list)
    returned: int = 0
    overdue_items: list[WorkPlanItem] = field(default_factory=list)
    to_review: list[Cycle] = field(default_factory=list)
    to_sign: list = field(default_factory=list)
    summaries: list[ScopeSummary] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)

    @property
    def closing_fill(self) -> list[Cycle]:
        return [
            c
            for c in self.to_answer
            if c.fill_closes and self.today <= c.fill_closes <= self.closing_by
        ]

    @property
    def closing_review(self) -> list[Cycle]:
        return [
            c
            for c in self.to_review
            if c.review_closes and self.today <= c.review_closes <= self.closing_by
        ]

    @property
    def is_empty(self) -> bool:
        return not (
            self.mine
            or self.to_answer
            or self.overdue_items
            or self.to_review
            or self.to_sign
            or self.summaries
            or self.to_follow_up
            or self.to_verify
        )


def _paths(user, perm: Perm) -> list[str] | None:
    """Subtree paths where the person's roles grant `perm`; None means everywhere (superuser)."""
    if user.is_superuser:
        return None
    return sorted({m.unit.path for m in access.memberships_of(user) if perm in ROLE_PERMS[m.role]})


def _within(paths: list[str] | None, prefix: str = "unit__") -> Q | None:
    if paths is None:
        return Q()
    if not paths:
        return None
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


def home_tasks(user, today: datetime.date | None = None) -> HomeTasks:
    """The person's to-do list. At most six queries (after the memberships), whatever the data."""
    today = today or timezone.localdate()
    tasks = HomeTasks(today=today, closing_by=today + datetime.timedelta(days=CLOSING_DAYS))
    memberships = access.memberships_of(user)

    editing = None if user.is_superuser else _within(_paths(user, Perm.EDIT_SELF))
    if editing is not None:
        returned = (
            QuestionReview.objects.filter(cycle=OuterRef("pk"), status=ReviewStatus.RETURNED)
            .order_by()
            .values("cycle")
            .annotate(count=Count("pk"))
            .values("count")
        )
        overdue = (
            WorkPlanItem.objects.filter(
                cycle=OuterRef("pk"), due_date__lt=today, status__in=OPEN_STATUSES
            )
            .order_by()
            .values("cycle")
            .annotate(count=Count("pk"))
            .values("count")
        )
        tasks.to_answer = list(
            Cycle.objects.filter(editing, workflow.unit_has_work())
            .select_related("unit", "framework")
            .annotate(
                returned=Coalesce(
                    Subquery(returned, output_field=IntegerField()),
                    Value(0),
                ),
                overdue=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
            )
            .order_by("fill_closes", "unit__path", "-year")[: LIMIT * 2]
        )
        for cycle in tasks.to_answer:
            summary = cycle.summary(Layer.SELF)
            cycle.question_count = summary.get("questions", 0)
            cycle.unanswered = max(0, cycle.question_count - summary.get("answered", 0))
            if not cycle.revision_layer:
                cycle.returned = 0
        tasks.returned = sum(c.returned for c in tasks.to_answer)
        tasks.overdue_items = list(
            WorkPlanItem.objects.overdue(today)
            .filter(_within(_paths(user, Perm.EDIT_SELF), "cycle__unit__"))
            .select_related("cycle__unit", "area")
            .order_by("due_date", "pk")[: LIMIT + 1]
        )
        tasks.mine = selectors.my_tasks(
            user, open_cycles=workflow.unit_has_work("cycle__"), today=today
        )
        tasks.to_follow_up = list(
            Recommendation.objects.filter(
                _within(_paths(user, Perm.EDIT_SELF), "cycle__unit__"),
                counted_rows(),  # the unit answers them once the layer is final
                status=RecommendationStatus.OPEN,
            )
            .select_related("cycle__unit", "area")
            .order_by("due_date", "pk")[: LIMIT + 1]
        )
        tasks.shown.add("self")

    review_condition = Q(pk__in=[])
    reviews = False
    for layer, perm in REVIEW_PERMS.items():
        paths = _paths(user, perm)
        within = _within(paths)
        if within is None:
            continue
        reviews = True
        review_condition |= within & workflow.waiting_for(layer)
    if reviews:

        def waiting(layer: str) -> Subquery:
            return Subquery(
                QuestionReview.objects.filter(
                    cycle=OuterRef("pk"),
                    layer=layer,
                    status__in=OPEN_REVIEW_STATUSES,
                )
                .order_by()
                .values("cycle")
                .annotate(count=Count("pk"))
                .values("count"),
                output_field=IntegerField(),
            )

        tasks.to_review = list(
            Cycle.objects.filter(review_condition)
            .select_related("unit", "framework", "campaign__root")
            .defer("summaries")
            .annotate(
                waiting_pre=Coalesce(waiting(Layer.PRE), Value(0)),
                waiting_tpi=Coalesce(waiting(Layer.TPI), Value(0)),
            )
            .order_by("review_closes", "submitted_at", "unit__path")[: LIMIT * 2]
        )
        for cycle in tasks.to_review:
            cycle.review_layer = workflow.review_layer(cycle)
            opens = workflow.window_opens(cycle, cycle.review_layer)
            cycle.opens_later = opens if opens and opens > today else None
            cycle.window_owners = workflow.window_owners(cycle) if cycle.opens_later else ""
            cycle.waiting = {Layer.PRE: cycle.waiting_pre, Layer.TPI: cycle.waiting_tpi}.get(
                cycle.review_layer, 0
            )
        verify = Q(pk__in=[])
        for layer in (Layer.TPI, Layer.TPN):
            within = _within(_paths(user, REVIEW_PERMS[layer]), "cycle__unit__")
            if within is not None:
                verify |= within & Q(layer=layer)
        tasks.to_verify = list(
            Recommendation.objects.filter(verify, status=RecommendationStatus.ANSWERED)
            .select_related("cycle__unit", "area")
            .order_by("pk")[: LIMIT + 1]
        )
        tasks.shown.add("review")

    admin_within = _within(_paths(user, Perm.ADMINISTER))
    if admin_within is not None:
        tasks.to_sign = list(
            Declaration.objects.filter(admin_within, status=DeclarationStatus.FINAL)
            .select_related("unit")
            .order_by("event_date", "pk")[: LIMIT + 1]
        )
        tasks.shown.add("sign")

    if user.is_superuser:
        scopes = list(Unit.objects.filter(depth=1)[:SUMMARY_SCOPES])
    else:
        scopes = []
        for membership in sorted(memberships, key=lambda m: m.unit.path):
            if membership.role != Role.VIEWER:
                continue
            if any(membership.unit.path.startswith(s.path) for s in scopes):
                continue
            scopes.append(membership.unit)
        scopes = scopes[:SUMMARY_SCOPES]
    if scopes:
        tasks.summaries = _summaries(scopes, today.year)
        tasks.shown.add("summary")
    return tasks


def _summaries(scopes: list[Unit], year: int) -> list[ScopeSummary]:
    """Counts by stage and eligible counts for each scope's subtree this year, from the
    tallies kept per subtree (change_areas.tallies). Two queries, whatever the size."""
    figures = tallies.year_figures(scopes, year)
    labels = dict(Stage.choices)
    summaries = []
    for scope in scopes:
        whole = figures[scope.pk]
        stages = whole.get("stages") or {}
        summaries.append(
            ScopeSummary(
                unit=scope,
                year=year,
                cycles=whole.get("cycles", 0),
                stages=[
                    (str(labels[stage]), stages[stage])
                    for stage in STAGE_ORDER
                    if stages.get(stage)
                ],
                wbk_self=(whole.get(Layer.SELF) or {}).get("wbk", 0),
                wbk_tpi=(whole.get(Layer.TPI) or {}).get("wbk", 0),
            )
        )
    return summaries
