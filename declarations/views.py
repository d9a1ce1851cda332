"""Pages of declarations: lists, a declaration, drafts, downloads, bulk printing, verification."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from declarations import documents, printing, resources, selectors, services, signing, texts
from declarations.forms import (
    DeclarantFormSet,
    DeclarationFilterForm,
    DeclarationForm,
    ParticipantImportForm,
    RevokeForm,
    SupersedeForm,
    VerifyForm,
    WitnessFormSet,
)
from declarations.models import (
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    PrintJob,
)
from declarations.verification import (
    Verdict,
    VerificationResult,
    max_upload_bytes,
    read_upload,
    verify,
)
from lib.concurrency import EditConflict, resolve, resolve_members, resolve_rows
from units import access
from units.access import Perm
from units.models import Unit

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


def _pdf_response(filename: str, content: bytes, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# --- lists ---------------------------------------------------------------------------------


@login_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    """Every declaration the person may see, filterable; admins also see their drafts."""
    form = DeclarationFilterForm(request.GET or None)
    unit = None
    code = (request.GET.get("unit") or "").strip()
    if code:
        unit = access.unit_for(request.user, code)
    queryset = form.filter(Declaration.objects.visible_to(request.user), unit=unit)
    queryset = queryset.select_related("unit", "framework").prefetch_related(
        "declaring_units__unit"
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("halaman"))
    can_print = unit is not None and access.can(request.user, unit, Perm.ADMINISTER)
    return render(
        request,
        "declarations/declaration_list.html",
        {
            "form": form,
            "page": page,
            "unit": unit,
            "can_create": can_print,
            "can_print": can_print,
        },
    )


# --- one declaration ------------------------------------------------------------------------


HISTORY_LABELS = {
    "declaration_create": _lazy("Draf dibuat"),
    "declaration_update": _lazy("Draf diubah"),
    "declaration_finalise": _lazy("Difinalkan"),
    "declaration_sign": _lazy("Ditandatangani"),
    "declaration_revoke": _lazy("Dicabut"),
    "declaration_supersede": _lazy("Ditandai diganti"),
    "declaration_delete": _lazy("Dihapus"),
    "admin": _lazy("Diubah di admin"),
}


def _history(declaration: Declaration) -> list:
    """The latest changes of the declaration row, with who and what in words. One query."""
    entries = list(
        declaration.history.select_related("history_user").order_by("-history_date", "-history_id")[
            :20
        ]
    )
    for entry in entries:
        user = entry.history_user
        entry.who = (user.get_full_name() or user.username) if user else _("sistem")
        entry.what = HISTORY_LABELS.get(
            entry.history_change_reason or "", entry.get_history_type_display()
        )
    return entries


def _replacement_choices(declaration: Declaration) -> list[Declaration]:
    """Valid declarations of the same organiser (whoever manages one manages all). One query."""
    return list(
        Declaration.objects.valid()
        .filter(unit=declaration.unit)
        .exclude(pk=declaration.pk)
        .order_by("-event_date", "-pk")[:100]
    )


def _detail_context(request: HttpRequest, declaration: Declaration, **forms) -> dict:
    can_manage = declaration.can_manage
    context = {
        "declaration": declaration,
        "units": selectors.units_of(declaration),
        "declarants": list(declaration.declarants.all()),
        "witnesses": list(declaration.witnesses.all()),
        "can_manage": can_manage,
        "history": _history(declaration) if can_manage else [],
        "verification_url": documents.verification_url(declaration),
        "key": signing.key_status()
        if can_manage and declaration.status == DeclarationStatus.FINAL
        else None,
    }
    if can_manage and declaration.is_draft:
        context["problems"] = services.completeness_problems(declaration)
        context["import_form"] = forms.get("import_form") or ParticipantImportForm()
    if can_manage and declaration.is_valid:
        context["revoke_form"] = forms.get("revoke_form") or RevokeForm()
        supersede_form = forms.get("supersede_form") or SupersedeForm(
            replacements=_replacement_choices(declaration)
        )
        if supersede_form.replacements:
            context["supersede_form"] = supersede_form
    context["text"] = _document_text(declaration)
    return context


def _document_text(declaration: Declaration) -> str:
    """The words as printed: frozen for issued declarations, filled now for drafts."""
    if declaration.is_issued and declaration.snapshot.get("pages"):
        return declaration.snapshot["pages"][0]["body"]
    try:
        return documents.build_snapshot(declaration)["pages"][0]["body"]
    except (ValidationError, IndexError):
        return declaration.body


@login_required
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_for(request.user, pk)
    return render(
        request, "declarations/declaration_detail.html", _detail_context(request, declaration)
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def declaration_create(request: HttpRequest, code: str) -> HttpResponse:
    """A new draft organised by the unit."""
    organiser = access.unit_for(request.user, code, Perm.ADMINISTER)
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
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Draf pencanangan dibuat. Periksa penanda tangan dan saksi, lalu finalkan."),
                )
                return redirect("declarations:edit", pk=declaration.pk)
        status = 400
    else:
        template = services.template_for(kind)
        from change_areas.models import Framework

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


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


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


@login_required
@require_http_methods(["GET", "POST"])
def declaration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's event, text, units, declarants and witnesses on one page."""
    declaration = selectors.declaration_for(request.user, pk, Perm.ADMINISTER)
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
                _add_errors(form, error)
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
        },
        status=status,
    )


@login_required
def declaration_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The issued PDF (the signed copy unless ?versi=asli), or a draft's watermarked preview."""
    declaration = selectors.declaration_for(request.user, pk)
    if declaration.is_draft:
        try:
            rendered = documents.render(declaration, draft=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(declaration)
        return _pdf_response(rendered.filename, rendered.content, inline=True)
    if request.GET.get("versi") == "asli" or not declaration.signed_pdf:
        with declaration.pdf.open("rb") as handle:
            content = handle.read()
        return _pdf_response(f"{declaration.file_stem()}.pdf", content)
    with declaration.signed_pdf.open("rb") as handle:
        content = handle.read()
    return _pdf_response(f"{declaration.file_stem()}-ttd.pdf", content)


def _state_change(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    declaration = selectors.declaration_for(request.user, pk, Perm.ADMINISTER)
    try:
        action(declaration)
    except signing.SigningError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("declarations:detail", pk=pk)


@login_required
@require_POST
def declaration_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request,
        pk,
        lambda declaration: services.declaration_finalise(declaration=declaration, by=request.user),
        _("Pencanangan difinalkan: teks dan PDF-nya kini dibekukan dan hash-nya dicatat."),
    )


@login_required
@require_POST
def declaration_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request,
        pk,
        lambda declaration: services.declaration_sign(declaration=declaration, by=request.user),
        _("PDF ditandatangani secara elektronik (PAdES)."),
    )


@login_required
@require_POST
def declaration_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_for(request.user, pk, Perm.ADMINISTER)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.declaration_revoke(
                declaration=declaration, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Pencanangan dicabut. Halaman verifikasinya kini menyatakan dicabut.")
            )
            return redirect(declaration)
    context = _detail_context(request, declaration, revoke_form=form)
    return render(request, "declarations/declaration_detail.html", context, status=400)


@login_required
@require_POST
def declaration_supersede(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_for(request.user, pk, Perm.ADMINISTER)
    form = SupersedeForm(request.POST, replacements=_replacement_choices(declaration))
    if form.is_valid():
        try:
            services.declaration_supersede(
                declaration=declaration,
                replacement=form.cleaned_data["replacement"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Pencanangan ditandai telah diganti."))
            return redirect(declaration)
    context = _detail_context(request, declaration, supersede_form=form)
    return render(request, "declarations/declaration_detail.html", context, status=400)


@login_required
@require_POST
def declaration_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_for(request.user, pk, Perm.ADMINISTER)
    copy = services.declaration_duplicate(declaration=declaration, by=request.user)
    messages.success(
        request,
        _(
            "Salinan dibuat sebagai draf. Setelah salinan difinalkan, tandai dokumen lama "
            "sebagai diganti."
        ),
    )
    return redirect("declarations:edit", pk=copy.pk)


@login_required
@require_POST
def declaration_delete(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_for(request.user, pk, Perm.ADMINISTER)
    unit_code = declaration.unit.code
    try:
        services.declaration_delete(declaration=declaration, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(declaration)
    messages.success(request, _("Draf dihapus."))
    return redirect(f"{reverse('declarations:list')}?unit={unit_code}")


@login_required
@require_POST
def participants_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a draft's witnesses or signatories with the rows of an xlsx/csv file."""
    declaration = selectors.declaration_for(request.user, pk, Perm.ADMINISTER)
    if not declaration.is_draft:
        messages.error(
            request, _("Pencanangan ini sudah difinalkan: daftarnya tidak dapat diganti.")
        )
        return redirect(declaration)
    form = ParticipantImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = resources.import_participants(
                declaration=declaration,
                who=form.cleaned_data["who"],
                content=upload.read(),
                file_name=upload.name,
                by=request.user,
            )
        except ValidationError as error:
            result = resources.ParticipantImport(ok=False, errors=error.messages)
        if result.ok:
            messages.success(request, _("%(count)d baris diimpor.") % {"count": result.count})
            return redirect(declaration)
        for message in result.errors or []:
            form.add_error("file", message)
    declaration = selectors.declaration_for(request.user, pk, Perm.ADMINISTER)
    context = _detail_context(request, declaration, import_form=form)
    return render(request, "declarations/declaration_detail.html", context, status=400)


@login_required
@require_POST
def declarants_from_people(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(
        request,
        pk,
        lambda declaration: services.declarants_from_people(
            declaration=declaration, by=request.user
        ),
        _("Penanda tangan diisi dari pegawai unit: satu halaman pakta integritas per orang."),
    )


# --- printing many -----------------------------------------------------------------------


@login_required
@require_POST
def print_unit(request: HttpRequest, code: str) -> HttpResponse:
    """Every declaration of the unit and the units below it, as one zip."""
    unit = access.unit_for(request.user, code, Perm.ADMINISTER)
    declarations = list(
        Declaration.objects.in_subtree_of(unit)
        .order_by("event_date", "pk")
        .values_list("pk", flat=True)
    )
    if not declarations:
        messages.error(request, _("Belum ada pencanangan di %(unit)s.") % {"unit": unit.name})
        return redirect(f"{reverse('declarations:list')}?unit={unit.code}")
    job = printing.print_job_start(
        declarations=declarations,
        by=request.user,
        label=_("Semua pencanangan %(unit)s dan unit di bawahnya") % {"unit": unit.name},
    )
    return redirect(job)


def _job_for(request: HttpRequest, job_id) -> PrintJob:
    job = get_object_or_404(PrintJob, pk=job_id)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@login_required
def print_job(request: HttpRequest, job_id) -> HttpResponse:
    job = _job_for(request, job_id)
    return render(
        request,
        "declarations/print_job.html",
        {"job": job, "keep_days": settings.ZI_PRINT_JOB_KEEP_DAYS},
    )


@login_required
@require_POST
def print_job_retry(request: HttpRequest, job_id) -> HttpResponse:
    """Start again a job whose worker stopped (or that failed)."""
    job = _job_for(request, job_id)
    try:
        printing.print_job_retry(job, by=request.user)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Pekerjaan cetak dimulai lagi."))
    return redirect(job)


@login_required
def print_job_download(request: HttpRequest, job_id) -> FileResponse:
    job = _job_for(request, job_id)
    if not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )


# --- public verification -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what was issued under this token, its status and hashes, and an upload check."""
    declaration = (
        Declaration.objects.issued()
        .select_related("unit", "superseded_by")
        .filter(verification_token=token)
        .first()
    )
    if declaration is None:
        raise Http404
    result = None
    status = 200
    if request.method == "POST" and _body_too_large(request):
        # Refused before Django reads the body: the size says enough.
        form = VerifyForm()
        result = VerificationResult(
            Verdict.TOO_LARGE,
            _("Berkas terlalu besar: paling besar %(limit)s.")
            % {"limit": filesizeformat(max_upload_bytes())},
        )
    elif request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            content = read_upload(form.cleaned_data["file"])
            result = content if not isinstance(content, bytes) else verify(declaration, content)
        else:
            status = 400
    else:
        form = VerifyForm()
    response = render(
        request,
        "declarations/verify.html",
        {
            "declaration": declaration,
            "doc": declaration.snapshot,
            "form": form,
            "result": result,
            "max_size": max_upload_bytes(),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _body_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_upload_bytes() + 64 * 1024  # room for the form's other fields
