"""Reads for the pages: each function costs a fixed number of queries, stated in its docstring."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from service_standards.models import (
    Consultation,
    Maklumat,
    SatisfactionSurvey,
    Service,
    StandardVersion,
)
from units.models import Unit

PUBLISHED = StandardVersion.Status.PUBLISHED


# --- in the application ---------------------------------------------------------------


@dataclass
class ServiceRow:
    service: Service
    published: StandardVersion | None
    draft: StandardVersion | None
    version_count: int


@dataclass
class UnitOverview:
    services: list[ServiceRow]
    maklumat: Maklumat | None  # the signed one
    maklumat_draft: Maklumat | None
    latest_survey: SatisfactionSurvey | None  # latest unit-wide survey with a result
    latest_published_survey: SatisfactionSurvey | None

    @property
    def published_count(self) -> int:
        return sum(1 for row in self.services if row.published is not None)


def unit_overview(unit: Unit) -> UnitOverview:
    """Services with their standard status, the maklumat, the latest SKM. Three queries."""
    services = list(
        Service.objects.for_unit(unit).prefetch_related(
            Prefetch(
                "versions",
                queryset=StandardVersion.objects.only(
                    "id",
                    "service_id",
                    "number",
                    "status",
                    "effective_date",
                    "decree_number",
                    "updated_at",
                ).order_by("-number"),
                to_attr="all_versions",
            )
        )
    )
    rows = []
    for service in services:
        published = next((v for v in service.all_versions if v.status == PUBLISHED), None)
        draft = next((v for v in service.all_versions if v.is_draft), None)
        rows.append(ServiceRow(service, published, draft, len(service.all_versions)))
    maklumats = list(
        Maklumat.objects.filter(
            unit=unit, status__in=[Maklumat.Status.SIGNED, Maklumat.Status.DRAFT]
        )
    )
    surveys = list(
        SatisfactionSurvey.objects.filter(
            unit=unit, service__isnull=True, ikm__isnull=False
        ).latest_first()[:10]
    )
    return UnitOverview(
        services=rows,
        maklumat=next((m for m in maklumats if m.status == Maklumat.Status.SIGNED), None),
        maklumat_draft=next((m for m in maklumats if m.status == Maklumat.Status.DRAFT), None),
        latest_survey=surveys[0] if surveys else None,
        latest_published_survey=next((s for s in surveys if s.is_published), None),
    )


def version_history(version: StandardVersion) -> list:
    """The version's history rows, newest first, with their authors. One query."""
    return list(
        version.history.select_related("history_user").order_by("-history_date", "-history_id")
    )


def consultations_of(unit: Unit) -> QuerySet[Consultation]:
    """The unit's FGDs with the services discussed. Two queries when evaluated."""
    return (
        Consultation.objects.filter(unit=unit)
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.only("id", "name", "unit_id"))
        )
        .select_related("created_by")
    )


def surveys_of(unit: Unit) -> list[SatisfactionSurvey]:
    """Every SKM period of the unit, newest first, with the service. One query."""
    return list(
        SatisfactionSurvey.objects.filter(unit=unit).select_related("service").latest_first()
    )


# --- public pages ---------------------------------------------------------------------


@dataclass
class PublicUnitPage:
    """A unit's published service: what `/layanan/<code>/` shows besides its predicates."""

    unit: Unit
    maklumat: Maklumat | None
    versions: list[StandardVersion]  # published versions of active services, in service order
    surveys: list[SatisfactionSurvey] = field(
        default_factory=list
    )  # published, unit-wide, oldest first

    @property
    def latest_survey(self) -> SatisfactionSurvey | None:
        return self.surveys[-1] if self.surveys else None


def public_unit_or_404(code: str) -> Unit:
    return get_object_or_404(Unit, code=code, is_active=True)


def published_versions(unit: Unit) -> QuerySet[StandardVersion]:
    """Published versions of the unit's active services. Nothing else is ever public."""
    return (
        StandardVersion.objects.published()
        .filter(service__unit=unit, service__is_active=True)
        .select_related("service", "consultation")
        .order_by("service__position", "service__name")
    )


def public_unit_page(code: str) -> PublicUnitPage:
    """The unit's published standards, maklumat and SKM. Four queries, whatever their number."""
    unit = public_unit_or_404(code)
    maklumat = Maklumat.objects.filter(unit=unit, status=Maklumat.Status.SIGNED).first()
    versions = list(published_versions(unit))
    surveys = list(
        SatisfactionSurvey.objects.published().unit_wide().filter(unit=unit).chronological()
    )
    return PublicUnitPage(unit, maklumat, versions, surveys)


@dataclass
class PublicServicePage:
    unit: Unit
    version: StandardVersion
    surveys: list[SatisfactionSurvey]  # published surveys of this service, oldest first

    @property
    def service(self) -> Service:
        return self.version.service

    @property
    def latest_survey(self) -> SatisfactionSurvey | None:
        return self.surveys[-1] if self.surveys else None


def public_service_page(code: str, slug: str) -> PublicServicePage:
    """A service's published standard. Three queries; 404 without a published version."""
    unit = public_unit_or_404(code)
    version = get_object_or_404(published_versions(unit), service__slug=slug)
    surveys = list(
        SatisfactionSurvey.objects.published()
        .filter(unit=unit, service=version.service)
        .chronological()
    )
    return PublicServicePage(unit, version, surveys)


def public_index(query: str = "") -> QuerySet[Unit]:
    """Active units with at least one published standard, with counts and the latest SKM.

    Evaluating a page costs one query.
    """
    latest_survey = (
        SatisfactionSurvey.objects.published()
        .unit_wide()
        .filter(unit=OuterRef("pk"))
        .latest_first()
    )
    units = (
        Unit.objects.filter(
            is_active=True,
            services__is_active=True,
            services__versions__status=PUBLISHED,
        )
        .annotate(
            published_count=Count(
                "services",
                filter=Q(services__is_active=True, services__versions__status=PUBLISHED),
                distinct=True,
            ),
            latest_ikm=Subquery(latest_survey.values("ikm")[:1]),
            latest_grade=Subquery(latest_survey.values("grade")[:1]),
        )
        .order_by("province", "name")
    )
    if query:
        units = units.filter(
            Q(name__icontains=query)
            | Q(code__icontains=query)
            | Q(regency__icontains=query)
            | Q(province__icontains=query)
        )
    return units
