"""Reads of declarations that are more than one filter: access, pages, documents."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from declarations.models import (
    Declarant,
    Declaration,
    DeclarationStatus,
    DeclaringUnit,
    Witness,
)
from units import access
from units.access import Perm
from units.models import Unit


def with_participants(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """Everything a page or a PDF shows, in four queries whatever the number of rows."""
    return queryset.select_related("unit", "framework", "superseded_by").prefetch_related(
        Prefetch(
            "declaring_units",
            queryset=DeclaringUnit.objects.select_related("unit").order_by("order", "pk"),
        ),
        Prefetch(
            "declarants", queryset=Declarant.objects.select_related("unit").order_by("order", "pk")
        ),
        Prefetch("witnesses", queryset=Witness.objects.order_by("order", "pk")),
    )


def first_pencanangan(unit: Unit):
    """The day the unit — or an instansi or office above it — first declared its Zona
    Integritas, from the issued declarations on record (not revoked). One query.

    Registered with change_areas (`register_pencanangan_source`), whose "telah membangun ZI
    sekurang-kurangnya satu tahun" counts from this day.
    """
    paths = unit.lineage_paths
    return (
        Declaration.objects.issued()
        .exclude(status=DeclarationStatus.REVOKED)
        .filter(Q(unit__path__in=paths) | Q(declaring_units__unit__path__in=paths))
        .order_by("event_date")
        .values_list("event_date", flat=True)
        .first()
    )


def declaration_as_saved(pk: int) -> Declaration:
    """The declaration read again with its units and participants (after someone saved it)."""
    return with_participants(Declaration.objects.filter(pk=pk)).get()


def participants_of(
    declaration: Declaration, model: type[Declarant] | type[Witness]
) -> list[Declarant] | list[Witness]:
    """The declarants or the witnesses in print order (prefetched by `with_participants`)."""
    if model is Declarant:
        return list(declaration.declarants.all())
    return list(declaration.witnesses.all())


def units_of(declaration: Declaration) -> list[Unit]:
    """The declaring units in print order (prefetched by `with_participants`)."""
    return [link.unit for link in declaration.declaring_units.all()]


def perms_on_declaration(user, declaration: Declaration) -> frozenset[Perm]:
    """What the person may do with a declaration. No query once the units are loaded.

    Viewing needs VIEW on the organising unit or on any declaring unit.
    Managing needs ADMINISTER on the organising unit, whose subtree holds
    every declaring unit, so the organiser's admins manage joint declarations.
    """
    perms = set(access.perms_on(user, declaration.unit))
    for unit in units_of(declaration):
        if Perm.VIEW in access.perms_on(user, unit):
            perms.add(Perm.VIEW)
    return frozenset(perms)


def declaration_or_404(pk: int) -> Declaration:
    """The declaration with its units and participants (`with_participants`), else 404."""
    declaration = with_participants(Declaration.objects.filter(pk=pk)).first()
    if declaration is None:
        raise Http404
    return declaration


def check_declaration(user, declaration: Declaration, perm: Perm = Perm.VIEW) -> None:
    """Raise 404 for outsiders and 403 for insiders who may not `perm` on the declaration.

    Drafts are for the organiser's admins only: other insiders get 403.
    The `check` of `scopes.DECLARATION`, and what the services ask of `by`.
    """
    perms = perms_on_declaration(user, declaration)
    if not perms:
        raise Http404
    if perm not in perms or (declaration.is_draft and Perm.ADMINISTER not in perms):
        raise PermissionDenied


def can_manage(user, declaration: Declaration) -> bool:
    """Whether the person administers the declaration (the organiser's admins). No query."""
    return access.can(user, declaration.unit, Perm.ADMINISTER)


def replacement_choices(declaration: Declaration) -> list[Declaration]:
    """Valid declarations of the same organiser (whoever manages one manages all). One query."""
    return list(
        Declaration.objects.valid()
        .filter(unit=declaration.unit)
        .exclude(pk=declaration.pk)
        .order_by("-event_date", "-pk")[:100]
    )


def administered_units(user, units: list[Unit]) -> list[Unit]:
    return [unit for unit in units if access.can(user, unit, Perm.ADMINISTER)]
