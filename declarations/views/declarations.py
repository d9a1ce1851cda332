"""Declarations: the list, one declaration, a new draft, editing a draft, the PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from change_areas.models import Framework
from declarations import documents, scopes, selectors, services, texts
from declarations.forms import (
    DeclarantFormSet,
    DeclarationFilterForm,
    DeclarationForm,
    WitnessFormSet,
)
from declarations.models import Declaration, DeclarationKind
from declarations.views.common import DETAIL_TEMPLATE, detail_context, form_errors
from lib.concurrency import EditConflict, resolve, resolve_members, resolve_rows
from lib.files import read_stored_or_404
from units import access
from units.access import Perm, signed_in, unit_permission
from units.models import Unit

PAGE_SIZE = 50


def _pdf_response(filename: str, content: bytes, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
def declaration_list(request: HttpRequest) -> HttpResponse:
    """Every declaration the person may see, filterable; admins also see their drafts."""
    form = DeclarationFilterForm(request.GET or None)
    unit = None
    code = (request.GET.get("unit") or "").strip()
    if code:
        # A filter from the query string, not the object the URL names: refused
        # like any unit page (404 outside), so the list never confirms a code.
        unit = access.unit_for(request.user, code)
    queryset = form.filter(Declaration.objects.visible_to(request.user), unit=unit)
    queryset = queryset.select_related("unit", "framework").prefetch_related(
        "declaring_units__unit"
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("halaman"))
    can_print = unit is not None and access.can(request.user, unit, Perm.ADMINISTER)
    can_print_list = unit is None and (
        request.user.is_superuser
        or any(
            Perm.ADMINISTER in access.ROLE_PERMS[m.role]
            for m in access.memberships_of(request.user)
        )
    )
    return render(
        request,
        "declarations/declaration_list.html",
        {
            "form": form,
            "page": page,
            "unit": unit,
            "can_create": can_print,
            "can_print": can_print,
            "can_print_list": can_print_list and page.paginator.count > 0,
        },
    )


@unit_permission(Perm.VIEW, scope=scopes.DECLARATION)
def declaration_detail(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    return render(request, DETAIL_TEMPLATE, detail_context(request, declaration))


def _unit_choices(organiser: Unit, selected: list[Unit]) -> list[Unit]:
    """The organiser, the units just below it, and whatever is already chosen."""
    units = list(
        Unit.objects.filter(
            Q(pk=organiser.pk)
            | Q(path__startswith=organiser.path, depth=organiser.depth + 1)
            | Q(pk__in=[unit.pk for unit in selected])
        ).order_by("path")
    )
    return units


@unit_permission(Perm.ADMINISTER, scope=scopes.ORGANISER)
@require_http_methods(["GET", "POST"])
def declaration_create(request: HttpRequest, organiser: Unit) -> HttpResponse:
    """A new draft organised by the unit."""
    choices = _unit_choices(organiser, [])
    kind = request.GET.get("jenis") or DeclarationKind.PIAGAM
    if kind not in DeclarationKind.values:
        kind = DeclarationKind.PIAGAM
    if request.method == "POST":
        form = DeclarationForm(
            request.POST, organiser=organiser, unit_choices=choices, creating=True
        )
        if form.is_valid():
            data = _follow_kind(
                {name: form.cleaned_data[name] for name in services.DECLARATION_FIELDS}
            )
            try:
                declaration = services.declaration_create(
                    unit=organiser, units=list(form.cleaned_data["units"]), by=request.user, **data
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Draf pencanangan dibuat. Periksa penanda tangan dan saksi, lalu finalkan."),
                )
                return redirect("declarations:edit", pk=declaration.pk)
        status = 400
    else:
        template = services.template_for(kind)
        form = DeclarationForm(
            organiser=organiser,
            unit_choices=choices,
            creating=True,
            initial={
                "kind": kind,
                "title": template.title,
                "body": template.body,
                "units": [organiser.pk],
                "city": organiser.regency.removeprefix("Kota ").removeprefix("Kabupaten "),
                "venue": "",
                "framework": Framework.objects.current(),
            },
        )
        status = 200
    return render(
        request,
        "declarations/declaration_form.html",
        {
            "form": form,
            "organiser": organiser,
            "creating": True,
            "placeholders": texts.placeholders_for(DeclarationKind.PAKTA_INTEGRITAS),
            "placeholder_examples": texts.PLACEHOLDER_EXAMPLES,
        },
        status=status,
    )


def _follow_kind(data: dict) -> dict:
    """Title and body that are still some kind's shipped or edited template follow the chosen kind.

    The create form opens with the piagam's text; a person who picks another kind
    and leaves the text alone gets that kind's text, not the piagam's.
    """
    templates = [services.template_for(kind) for kind in DeclarationKind.values]
    chosen = services.template_for(data["kind"])
    if not data.get("body") or data["body"].strip() in {t.body.strip() for t in templates}:
        data["body"] = chosen.body
    if not data.get("title") or data["title"].strip() in {t.title for t in templates}:
        data["title"] = chosen.title
    return data


def _reopen_merged(clash: EditConflict, form, declarants, witnesses):
    """The edit page again after someone else saved the draft: both people's work merged.

    Fields, declaring units and declarant and witness rows each take the other
    person's changes where this person left them alone and keep this person's
    own; what both changed is listed for them to check before saving again.
    """
    declaration = selectors.declaration_as_saved(clash.current.pk)
    clash = EditConflict(declaration, clash.expected)
    conflict, merged = resolve(form, clash)
    saved_units = selectors.units_of(declaration)
    units_differ, units = resolve_members(
        opened=form.opened_unit_ids(),
        saved=saved_units,
        yours=list(form.cleaned_data["units"]),
        label=str(form.fields["units"].label),
    )
    merged["units"] = [unit.pk for unit in units]
    merged["opened_units"] = ",".join(str(unit.pk) for unit in saved_units)
    differences = list(conflict["differences"])
    if units_differ is not None:
        differences.append(units_differ)
    reopened = []
    for posted, noun, form_kwargs in (
        (declarants, _("Penanda tangan"), {"unit_choices": [*saved_units, *units]}),
        (witnesses, _("Saksi"), {}),
    ):
        rows_differ, data = resolve_rows(
            posted, saved=selectors.participants_of(declaration, posted.model), noun=noun
        )
        differences += rows_differ
        reopened.append(
            type(posted)(data, instance=declaration, prefix=posted.prefix, form_kwargs=form_kwargs)
        )
    conflict["differences"] = differences
    conflict["choices"] = any(difference.both for difference in differences)
    form = DeclarationForm(
        instance=declaration,
        organiser=declaration.unit,
        unit_choices=_unit_choices(declaration.unit, units),
        creating=False,
        initial=merged,
    )
    return conflict, form, *reopened


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_http_methods(["GET", "POST"])
def declaration_edit(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    """A draft's event, text, units, declarants and witnesses on one page."""
    if not declaration.is_draft:
        messages.error(
            request, _("Pencanangan ini sudah difinalkan: isinya tidak dapat diubah lagi.")
        )
        return redirect(declaration)
    current_units = selectors.units_of(declaration)
    choices = _unit_choices(declaration.unit, current_units)
    subtree_choices = [unit for unit in current_units]
    formset_kwargs = {"form_kwargs": {"unit_choices": subtree_choices}}
    conflict = None
    if request.method == "POST":
        form = DeclarationForm(
            request.POST,
            instance=declaration,
            organiser=declaration.unit,
            unit_choices=choices,
            creating=False,
        )
        declarants = DeclarantFormSet(
            request.POST, request.FILES, instance=declaration, prefix="penanda", **formset_kwargs
        )
        witnesses = WitnessFormSet(
            request.POST, request.FILES, instance=declaration, prefix="saksi"
        )
        opened_at = form.cleaned_data.get("revision") if form.is_valid() else None
        if opened_at is not None and opened_at != declaration.revision:
            # Saved by someone else since: merge before the rows are checked, so a
            # row the other person deleted is a difference to show, not an error.
            conflict, form, declarants, witnesses = _reopen_merged(
                EditConflict(declaration, opened_at), form, declarants, witnesses
            )
        elif form.is_valid() and declarants.is_valid() and witnesses.is_valid():
            data = _follow_kind(
                {name: form.cleaned_data[name] for name in services.DECLARATION_FIELDS}
            )
            if form.cleaned_data.get("reset_body"):
                data["body"] = services.template_for(data["kind"]).body
            try:
                with transaction.atomic():
                    services.declaration_update(
                        declaration=declaration,
                        by=request.user,
                        units=list(form.cleaned_data["units"]),
                        expected_revision=form.cleaned_data["revision"],
                        **data,
                    )
                    to_save = [
                        *declarants.save(commit=False),
                        *witnesses.save(commit=False),
                    ]
                    services.participants_save(
                        declaration=declaration,
                        by=request.user,
                        save=to_save,
                        delete=[*declarants.deleted_objects, *witnesses.deleted_objects],
                    )
            except EditConflict as clash:  # saved by someone else in the last instant
                conflict, form, declarants, witnesses = _reopen_merged(
                    clash, form, declarants, witnesses
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Draf disimpan."))
                if "preview" in request.POST:
                    return redirect("declarations:download", pk=declaration.pk)
                return redirect(declaration)
        status = 409 if conflict else 400
    else:
        form = DeclarationForm(
            instance=declaration,
            organiser=declaration.unit,
            unit_choices=choices,
            creating=False,
            initial={
                "units": [unit.pk for unit in current_units],
                "opened_units": ",".join(str(unit.pk) for unit in current_units),
            },
        )
        declarants = DeclarantFormSet(instance=declaration, prefix="penanda", **formset_kwargs)
        witnesses = WitnessFormSet(instance=declaration, prefix="saksi")
        status = 200
    return render(
        request,
        "declarations/declaration_form.html",
        {
            "form": form,
            "declarants_formset": declarants,
            "witnesses_formset": witnesses,
            "declaration": declaration,
            "organiser": declaration.unit,
            "creating": False,
            "conflict": conflict,
            "placeholders": texts.placeholders_for(DeclarationKind.PAKTA_INTEGRITAS),
            "placeholder_examples": texts.PLACEHOLDER_EXAMPLES,
        },
        status=status,
    )


@unit_permission(Perm.VIEW, scope=scopes.DECLARATION)
def declaration_download(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    """The issued PDF (the signed copy unless ?versi=asli), or a draft's watermarked preview."""
    if declaration.is_draft:
        try:
            rendered = documents.render(declaration, draft=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(declaration)
        return _pdf_response(rendered.filename, rendered.content, inline=True)
    if request.GET.get("versi") == "asli" or not declaration.signed_pdf:
        field, filename = declaration.pdf, f"{declaration.file_stem()}.pdf"
    else:
        field, filename = declaration.signed_pdf, f"{declaration.file_stem()}-ttd.pdf"
    return _pdf_response(filename, read_stored_or_404(field))
