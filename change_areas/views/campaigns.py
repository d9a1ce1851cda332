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
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, services, workflow
from change_areas.models import Campaign, Cycle, Layer, Stage
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
    """The campaign's units with their stage, scores and how far each is, its windows, and
    for its owners (administrators of its root) the form that changes them; a reminder for
    a lagging unit's team for those who manage its people."""
    cycles = Cycle.objects.filter(campaign=campaign).select_related("unit").order_by("unit__path")
    page = Paginator(cycles, 100).get_page(request.GET.get("halaman"))
    owner = access.can(request.user, campaign.root, Perm.ADMINISTER)
    return render(
        request,
        "change_areas/campaign_detail.html",
        _detail_context(request.user, campaign, page, owner=owner),
    )


@unit_permission(Perm.ADMINISTER, scope=scopes.CAMPAIGN)
@require_POST
def campaign_deadline(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The campaign owner moves the proposal deadline, with the TPN's basis on record."""
    form = forms.ProposalDeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_set_proposal_deadline(
                campaign=campaign, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Batas pengusulan diubah untuk semua siklus kampanye ini."))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect(campaign)


@unit_permission(Perm.ADMINISTER, scope=scopes.CAMPAIGN)
@require_POST
def campaign_schedule(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The owner changes the campaign's windows and options; every unit that follows the
    campaign's dates moves with it, and the people affected are told."""
    form = forms.CampaignScheduleForm(request.POST)
    if form.is_valid():
        try:
            campaign, moved = services.campaign_update(
                campaign=campaign, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Jadwal kampanye disimpan; %(count)d siklus unit ikut berubah dan timnya diberi tahu."
                )
                % {"count": moved},
            )
            return redirect(campaign)
    cycles = Cycle.objects.filter(campaign=campaign).select_related("unit").order_by("unit__path")
    page = Paginator(cycles, 100).get_page(1)
    return render(
        request,
        "change_areas/campaign_detail.html",
        _detail_context(request.user, campaign, page, owner=True, form=form),
        status=400,
    )


def _detail_context(user, campaign: Campaign, page, *, owner: bool, form=None) -> dict:
    """The campaign page: its cycles with how far each is, and for its owners the schedule
    and the deadline forms."""
    for cycle in page.object_list:
        summary = cycle.summary(Layer.SELF)
        cycle.unanswered = max(0, summary.get("questions", 0) - summary.get("answered", 0))
        cycle.unit_turn = cycle.stage in workflow.unit_turn_stages()
    if owner and form is None:
        form = forms.CampaignScheduleForm(
            initial={
                name: getattr(campaign, name)
                for name in (*services.WINDOW_FIELDS, *services.CAMPAIGN_OPTIONS)
            }
        )
    return {
        "campaign": campaign,
        "page": page,
        "owner": owner,
        "can_nudge": access.can(user, campaign.root, Perm.MANAGE_TEAM),
        "form": form if owner else None,
        "deadline_form": forms.ProposalDeadlineForm(
            initial={"proposal_closes": campaign.proposal_closes}
        )
        if owner
        else None,
    }


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
            sptjm = services.evidence_upload(
                unit=chosen,
                uploaded_file=form.cleaned_data["sptjm"],
                title=_("SPTJM %(instansi)s %(year)s")
                % {"instansi": chosen.short_name or chosen.name, "year": year},
                document_type="sk",
                by=request.user,
            )
            proposal = services.proposal_create(
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
