"""Pages of a unit's public service: in the application (signed in) and public (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.concurrency import EditConflict, resolve
from lib.imports import ImportFileError
from service_standards import charts, forms, respondent_files, selectors, services
from service_standards.models import (
    Consultation,
    Maklumat,
    SatisfactionSurvey,
    Service,
    StandardVersion,
)
from units import access
from units.access import Perm

PUBLIC_PAGE_SIZE = 50


def _ancestors(unit):
    return list(unit.ancestors())


def _context(request: HttpRequest, unit, **extra) -> dict:
    perms = access.perms_on(request.user, unit)
    return {
        "unit": unit,
        "ancestors": _ancestors(unit),
        "can_edit": Perm.EDIT_SELF in perms,
        "can_submit": Perm.SUBMIT_SELF in perms or Perm.ADMINISTER in perms,
        **extra,
    }


def _submit_unit(request: HttpRequest, code: str):
    """The unit if the person may publish/sign there (SUBMIT_SELF or ADMINISTER)."""
    unit = access.unit_for(request.user, code, Perm.VIEW)
    perms = access.perms_on(request.user, unit)
    if Perm.SUBMIT_SELF not in perms and Perm.ADMINISTER not in perms:
        access.check(request.user, unit, Perm.SUBMIT_SELF)
    return unit


def _documents():
    """The PDF module, imported on first use: WeasyPrint is heavy to load at start-up."""
    from service_standards import documents

    return documents


def _pdf_response(rendered, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{rendered.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- services and standards -----------------------------------------------------------


@login_required
def service_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    overview = selectors.unit_overview(unit)
    return render(
        request, "service_standards/service_list.html", _context(request, unit, overview=overview)
    )


@login_required
def service_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    form = forms.ServiceForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.SERVICE_FIELDS}
        try:
            service = services.service_create(unit=unit, by=request.user, **values)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Layanan %(name)s ditambahkan.") % {"name": service.name})
            return redirect(service.get_absolute_url())
    return render(
        request,
        "service_standards/service_form.html",
        _context(request, unit, form=form),
        status=400 if form.errors else 200,
    )


@login_required
def service_detail(request: HttpRequest, code: str, service_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    service = get_object_or_404(Service, pk=service_id, unit=unit)
    versions = list(
        service.versions.select_related("published_by", "created_by", "consultation").order_by(
            "-number"
        )
    )
    return render(
        request,
        "service_standards/service_detail.html",
        _context(
            request,
            unit,
            service=service,
            versions=versions,
            published=next((v for v in versions if v.is_published), None),
            draft=next((v for v in versions if v.is_draft), None),
        ),
    )


@login_required
def service_edit(request: HttpRequest, code: str, service_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    service = get_object_or_404(Service, pk=service_id, unit=unit)
    form = forms.ServiceForm(request.POST or None, instance=service, unit=unit)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.SERVICE_FIELDS}
        if not values["slug"]:
            values["slug"] = services.unique_slug(unit, values["name"], exclude_pk=service.pk)
        try:
            services.service_update(service=service, by=request.user, **values)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Layanan disimpan."))
            return redirect(service.get_absolute_url())
    return render(
        request,
        "service_standards/service_form.html",
        _context(request, unit, form=form, service=service),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def version_create(request: HttpRequest, code: str, service_id: int) -> HttpResponse:
    """A new draft, copied from the published version (or the newest one) when there is one."""
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    service = get_object_or_404(Service, pk=service_id, unit=unit)
    existing = service.versions.drafts().first()
    if existing is not None:
        messages.info(request, _("Layanan ini sudah memiliki draf; lanjutkan draf itu."))
        return redirect("service_standards:version_edit", code=unit.code, version_id=existing.pk)
    source = service.versions.published().first() or service.versions.order_by("-number").first()
    version = services.version_create(service=service, by=request.user, copy_from=source)
    if source is not None:
        messages.success(
            request,
            _("Draf versi %(number)d dibuat dari versi %(source)d.")
            % {"number": version.number, "source": source.number},
        )
    else:
        messages.success(request, _("Draf versi %(number)d dibuat.") % {"number": version.number})
    return redirect("service_standards:version_edit", code=unit.code, version_id=version.pk)


def _version(unit, version_id: int) -> StandardVersion:
    return get_object_or_404(
        StandardVersion.objects.select_related(
            "service", "service__unit", "consultation", "published_by", "created_by", "based_on"
        ),
        pk=version_id,
        service__unit=unit,
    )


@login_required
def version_detail(request: HttpRequest, code: str, version_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    version = _version(unit, version_id)
    return render(
        request,
        "service_standards/version_detail.html",
        _context(
            request,
            unit,
            version=version,
            service=version.service,
            history=selectors.version_history(version),
            missing=version.missing_components() if version.is_draft else [],
        ),
    )


@login_required
def version_edit(request: HttpRequest, code: str, version_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    version = _version(unit, version_id)
    if not version.is_draft:
        messages.error(request, _("Versi yang sudah terbit tidak dapat diubah; buat versi baru."))
        return redirect(version.get_absolute_url())
    form = forms.StandardVersionForm(request.POST or None, instance=version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in forms.StandardVersionForm.Meta.fields}
        try:
            services.version_update(
                version=version,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                **values,
            )
        except EditConflict as clash:
            conflict, merged = resolve(form, clash)
            form = forms.StandardVersionForm(instance=version, initial=merged)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Draf disimpan."))
            return redirect(version.get_absolute_url())
    return render(
        request,
        "service_standards/version_form.html",
        _context(
            request, unit, form=form, version=version, service=version.service, conflict=conflict
        ),
        status=409 if conflict else 400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def version_delete(request: HttpRequest, code: str, version_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    version = _version(unit, version_id)
    try:
        services.version_delete(version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(version.get_absolute_url())
    messages.success(request, _("Draf versi %(number)d dihapus.") % {"number": version.number})
    return redirect(version.service.get_absolute_url())


@login_required
def version_publish(request: HttpRequest, code: str, version_id: int) -> HttpResponse:
    unit = _submit_unit(request, code)
    version = _version(unit, version_id)
    if not version.is_draft:
        messages.error(request, _("Hanya draf yang dapat diterbitkan."))
        return redirect(version.get_absolute_url())
    consultations = Consultation.objects.filter(unit=unit).order_by("-held_on")
    initial = {
        "consultation": version.consultation
        or consultations.filter(services=version.service).first(),
        "decree_number": version.decree_number,
        "decree_date": version.decree_date or forms.today(),
        "effective_date": version.effective_date,
    }
    form = forms.PublishForm(request.POST or None, consultations=consultations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.version_publish(
                version=version, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            text = _("Versi %(number)d diterbitkan dan tampil di halaman publik.") % {
                "number": version.number
            }
            if outcome.superseded is not None:
                text += " " + _("Versi %(old)d kini berstatus diganti.") % {
                    "old": outcome.superseded.number
                }
            messages.success(request, text)
            for warning in outcome.warnings:
                messages.warning(request, warning)
            return redirect(outcome.version.get_absolute_url())
    return render(
        request,
        "service_standards/version_publish.html",
        _context(
            request,
            unit,
            form=form,
            version=version,
            service=version.service,
            missing=version.missing_components(),
            has_consultations=consultations.exists(),
        ),
        status=400 if form.errors else 200,
    )


@login_required
def version_pdf(request: HttpRequest, code: str, version_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    version = _version(unit, version_id)
    return _pdf_response(_documents().standard_pdf(version))


# --- consultations (FGD) --------------------------------------------------------------


@login_required
def consultation_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    return render(
        request,
        "service_standards/consultation_list.html",
        _context(request, unit, consultations=list(selectors.consultations_of(unit))),
    )


def _consultation_form_view(request, unit, consultation: Consultation | None) -> HttpResponse:
    form = forms.ConsultationForm(
        request.POST or None, request.FILES or None, instance=consultation, unit=unit
    )
    if request.method == "POST" and form.is_valid():
        minutes = None
        try:
            if form.cleaned_data.get("minutes_file"):
                minutes = services.check_minutes_upload(form.cleaned_data["minutes_file"])
            values = {name: form.cleaned_data[name] for name in services.CONSULTATION_FIELDS}
            if consultation is None:
                consultation = services.consultation_create(
                    unit=unit,
                    by=request.user,
                    services=form.cleaned_data["services"],
                    minutes=minutes,
                    **values,
                )
            else:
                services.consultation_update(
                    consultation=consultation,
                    by=request.user,
                    services=form.cleaned_data["services"],
                    minutes=minutes,
                    **values,
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _form_errors(form, error)
            else:
                form.add_error("minutes_file", error.messages)
        else:
            messages.success(request, _("Konsultasi publik disimpan."))
            return redirect("service_standards:consultations", code=unit.code)
    return render(
        request,
        "service_standards/consultation_form.html",
        _context(request, unit, form=form, consultation=consultation),
        status=400 if form.errors else 200,
    )


@login_required
def consultation_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    return _consultation_form_view(request, unit, None)


@login_required
def consultation_edit(request: HttpRequest, code: str, consultation_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    consultation = get_object_or_404(Consultation, pk=consultation_id, unit=unit)
    return _consultation_form_view(request, unit, consultation)


@login_required
def consultation_minutes(request: HttpRequest, code: str, consultation_id: int) -> FileResponse:
    """The minutes file, to people who may see the unit, always as a download."""
    unit = access.unit_for(request.user, code)
    consultation = get_object_or_404(Consultation, pk=consultation_id, unit=unit)
    if not consultation.minutes:
        raise Http404
    try:
        handle = consultation.minutes.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=consultation.minutes_name or "notulen",
        content_type=consultation.minutes_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- maklumat -------------------------------------------------------------------------


def _maklumats(unit):
    rows = list(
        Maklumat.objects.filter(unit=unit).select_related("signed_by").order_by("-created_at")
    )
    signed = next((m for m in rows if m.status == Maklumat.Status.SIGNED), None)
    draft = next((m for m in rows if m.status == Maklumat.Status.DRAFT), None)
    return rows, signed, draft


@login_required
def maklumat_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    rows, signed, draft = _maklumats(unit)
    return render(
        request,
        "service_standards/maklumat.html",
        _context(
            request,
            unit,
            signed=signed,
            draft=draft,
            older=[m for m in rows if m.status == Maklumat.Status.SUPERSEDED],
        ),
    )


@login_required
def maklumat_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    _rows, signed, draft = _maklumats(unit)
    instance = draft or Maklumat(unit=unit, text=signed.text if signed else Maklumat().text)
    form = forms.MaklumatForm(request.POST or None, instance=instance)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.maklumat_save_draft(
                unit=unit,
                by=request.user,
                text=form.cleaned_data["text"],
                expected_revision=form.cleaned_data["revision"],
            )
        except EditConflict as clash:
            conflict, merged = resolve(form, clash)
            form = forms.MaklumatForm(instance=instance, initial=merged)
        else:
            messages.success(
                request, _("Draf maklumat disimpan. Mintalah pimpinan menandatanganinya.")
            )
            return redirect("service_standards:maklumat", code=unit.code)
    return render(
        request,
        "service_standards/maklumat_form.html",
        _context(request, unit, form=form, conflict=conflict),
        status=409 if conflict else 400 if form.is_bound and form.errors else 200,
    )


@login_required
def maklumat_sign(request: HttpRequest, code: str) -> HttpResponse:
    unit = _submit_unit(request, code)
    _rows, _signed, draft = _maklumats(unit)
    if draft is None:
        messages.error(request, _("Belum ada draf maklumat untuk ditandatangani."))
        return redirect("service_standards:maklumat", code=unit.code)
    initial = {
        "signer_name": unit.head_name,
        "signer_nip": unit.head_nip,
        "signer_position": unit.head_position,
        "signed_place": unit.regency.removeprefix("Kota ").removeprefix("Kabupaten "),
        "signed_on": forms.today(),
    }
    form = forms.MaklumatSignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.maklumat_sign(maklumat=draft, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Maklumat pelayanan ditandatangani dan tampil di halaman publik.")
            )
            return redirect("service_standards:maklumat", code=unit.code)
    return render(
        request,
        "service_standards/maklumat_sign.html",
        _context(request, unit, form=form, draft=draft),
        status=400 if form.errors else 200,
    )


@login_required
def maklumat_draft_pdf(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    _rows, _signed, draft = _maklumats(unit)
    if draft is None:
        raise Http404
    return _pdf_response(_documents().maklumat_pdf(draft))


# --- SKM ------------------------------------------------------------------------------


@login_required
def survey_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    surveys = selectors.surveys_of(unit)
    unit_wide = [s for s in reversed(surveys) if s.service_id is None]
    return render(
        request,
        "service_standards/survey_list.html",
        _context(
            request,
            unit,
            surveys=surveys,
            chart=charts.ikm_trend(unit_wide),
            bands=charts.skm.SKM_GRADE_BANDS,
        ),
    )


@login_required
def survey_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    form = forms.SurveyCreateForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Periode %(period)s dibuat.") % {"period": survey.period_label}
            )
            return redirect(survey.get_absolute_url())
    return render(
        request,
        "service_standards/survey_form.html",
        _context(request, unit, form=form),
        status=400 if form.errors else 200,
    )


def _survey(unit, survey_id: int) -> SatisfactionSurvey:
    return get_object_or_404(
        SatisfactionSurvey.objects.select_related("service", "published_by"),
        pk=survey_id,
        unit=unit,
    )


def _demographics(survey: SatisfactionSurvey) -> dict:
    """Respondent counts by sex, education and occupation. One query."""
    from django.db.models import Count

    rows = list(survey.respondents.values("sex", "education", "occupation").annotate(n=Count("id")))
    result: dict[str, dict[str, int]] = {"sex": {}, "education": {}, "occupation": {}}
    labels = {"L": _("Laki-laki"), "P": _("Perempuan"), "": _("Tidak diisi")}
    for row in rows:
        for key in result:
            value = row[key]
            name = labels.get(value, value) if key == "sex" else (value or _("Tidak diisi"))
            result[key][name] = result[key].get(name, 0) + row["n"]
    return {
        key: sorted(values.items(), key=lambda item: -item[1]) for key, values in result.items()
    }


@login_required
def survey_detail(
    request: HttpRequest,
    code: str,
    survey_id: int,
    *,
    upload_form=None,
    import_errors=None,
    status=200,
) -> HttpResponse:
    unit = access.unit_for(request.user, code)
    survey = _survey(unit, survey_id)
    demographics = (
        _demographics(survey) if survey.source == SatisfactionSurvey.Source.RESPONDENTS else None
    )
    return render(
        request,
        "service_standards/survey_detail.html",
        _context(
            request,
            unit,
            survey=survey,
            band=charts.skm.BAND_BY_GRADE.get(survey.grade),
            demographics=demographics,
            upload_form=upload_form or forms.RespondentUploadForm(),
            import_errors=import_errors or [],
            history=list(
                survey.history.select_related("history_user").order_by("-history_date")[:20]
            ),
        ),
        status=status,
    )


@login_required
@require_POST
def survey_import(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    survey = _survey(unit, survey_id)
    form = forms.RespondentUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if survey.is_published:
        errors = [
            _(
                "Hasil periode ini sudah dipublikasikan; tarik publikasinya dahulu "
                "untuk mengubah data."
            )
        ]
    elif form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            parsed = respondent_files.parse_file(uploaded.read(), file_name=uploaded.name)
        except ImportFileError as error:
            errors = [str(error)]
        else:
            if parsed.ok:
                survey = services.survey_replace_respondents(
                    survey=survey, by=request.user, rows=parsed.rows
                )
                messages.success(
                    request,
                    _("%(count)d responden diimpor. IKM %(ikm)s, mutu %(grade)s.")
                    % {
                        "count": survey.respondent_count,
                        "ikm": f"{survey.ikm}".replace(".", ","),
                        "grade": survey.grade,
                    },
                )
                return redirect(survey.get_absolute_url())
            errors = parsed.errors
    if errors:
        messages.error(request, _("Berkas ditolak; tidak ada data yang diimpor."))
    return survey_detail(
        request, code, survey_id, upload_form=form, import_errors=errors, status=400
    )


@login_required
def survey_averages(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    unit = access.unit_for(request.user, code, Perm.EDIT_SELF)
    survey = _survey(unit, survey_id)
    if survey.is_published:
        messages.error(
            request, _("Hasil periode ini sudah dipublikasikan; tarik publikasinya dahulu.")
        )
        return redirect(survey.get_absolute_url())
    form = forms.AveragesForm(request.POST or None, initial=forms.AveragesForm.initial_from(survey))
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_set_averages(
                survey=survey,
                by=request.user,
                averages=form.averages(),
                respondent_count=form.cleaned_data["respondent_count"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Rata-rata per unsur disimpan."))
            return redirect(survey.get_absolute_url())
    return render(
        request,
        "service_standards/survey_averages.html",
        _context(request, unit, form=form, survey=survey),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def survey_publish(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    unit = _submit_unit(request, code)
    survey = _survey(unit, survey_id)
    try:
        services.survey_publish(survey=survey, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Hasil SKM %(period)s dipublikasikan.") % {"period": survey.period_label}
        )
    return redirect(survey.get_absolute_url())


@login_required
@require_POST
def survey_unpublish(request: HttpRequest, code: str, survey_id: int) -> HttpResponse:
    unit = _submit_unit(request, code)
    survey = _survey(unit, survey_id)
    try:
        services.survey_unpublish(survey=survey, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Publikasi hasil SKM %(period)s ditarik.") % {"period": survey.period_label}
        )
    return redirect(survey.get_absolute_url())


@login_required
def survey_template(request: HttpRequest, code: str) -> HttpResponse:
    access.unit_for(request.user, code)
    response = HttpResponse(
        respondent_files.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-responden-skm.xlsx"'
    return response


# --- public pages (no login) ----------------------------------------------------------


def public_index(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.public_index(query), PUBLIC_PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    return render(request, "service_standards/public_index.html", {"page": page, "q": query})


def public_unit(request: HttpRequest, code: str) -> HttpResponse:
    data = selectors.public_unit_page(code)
    return render(
        request,
        "service_standards/public_unit.html",
        {
            "data": data,
            "unit": data.unit,
            "chart": charts.ikm_trend(data.surveys) if len(data.surveys) > 1 else None,
        },
    )


def public_service(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    data = selectors.public_service_page(code, slug)
    return render(
        request,
        "service_standards/public_service.html",
        {"data": data, "unit": data.unit, "version": data.version, "service": data.service},
    )


def public_standard_pdf(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    data = selectors.public_service_page(code, slug)
    data.version.service.unit = data.unit
    return _pdf_response(_documents().standard_pdf(data.version))


def _signed_maklumat(code: str) -> Maklumat:
    unit = selectors.public_unit_or_404(code)
    maklumat = get_object_or_404(Maklumat, unit=unit, status=Maklumat.Status.SIGNED)
    maklumat.unit = unit
    return maklumat


def public_maklumat_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _pdf_response(_documents().maklumat_pdf(_signed_maklumat(code)))


def public_poster_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _pdf_response(_documents().maklumat_poster(_signed_maklumat(code)))
