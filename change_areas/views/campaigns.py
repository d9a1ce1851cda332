"""Campaigns (one LKE version and year opened for a whole subtree) and the instansi's
proposal letter to the TPN."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from change_areas import forms, scopes, services, workflow
from change_areas.models import Campaign, Cycle, Stage
from units import access
from units.access import Perm, signed_in, unit_permission
from units.models import Unit


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


@signed_in
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns the person can see, and the form to open one where they administer."""
    roots = _campaign_roots(request.user)
    campaigns = (
        Campaign.objects.filter(root__in=Unit.objects.visible_to(request.user))
        .select_related("root", "framework")
        .annotate(cycle_count=Count("cycles"))
    )
    form = forms.CampaignForm(request.POST or None, roots=roots) if roots.exists() else None
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


@unit_permission(Perm.VIEW, scope=scopes.CAMPAIGN)
def campaign_detail(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    cycles = Cycle.objects.filter(campaign=campaign).select_related("unit").order_by("unit__path")
    page = Paginator(cycles, 100).get_page(request.GET.get("halaman"))
    return render(
        request, "change_areas/campaign_detail.html", {"campaign": campaign, "page": page}
    )


def _administered_instansi(user) -> list[Unit]:
    if user.is_superuser:
        return list(Unit.objects.filter(depth=1))
    return [
        m.unit
        for m in access.memberships_of(user)
        if m.unit.depth == 1 and Perm.ADMINISTER in access.ROLE_PERMS[m.role]
    ]


@signed_in
def proposals(request: HttpRequest) -> HttpResponse:
    """Cycles whose TPI evaluation is final, per instansi, and the proposal letter to the TPN.

    Signed in, then scoped: only the instansi the person administers are offered.
    """
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
            proposal = services.proposal_create(
                instansi=chosen,
                year=year,
                letter_number=form.cleaned_data["letter_number"],
                letter_date=form.cleaned_data["letter_date"],
                sptjm_upload=form.cleaned_data["sptjm"],
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
