"""A unit's Survei Kepuasan Masyarakat (SKM): periods, respondents, averages, publication."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.imports import ImportFileError
from service_standards import charts, forms, respondent_files, scopes, selectors, services
from service_standards.models import SatisfactionSurvey
from service_standards.views.common import form_errors, page_context
from units.access import Perm, unit_permission
from units.models import Unit


@unit_permission(Perm.VIEW)
def survey_list(request: HttpRequest, unit: Unit) -> HttpResponse:
    surveys = selectors.surveys_of(unit)
    unit_wide = [s for s in reversed(surveys) if s.service_id is None]
    return render(
        request,
        "service_standards/survey_list.html",
        page_context(
            request,
            unit,
            surveys=surveys,
            chart=charts.ikm_trend(unit_wide),
            bands=charts.skm.SKM_GRADE_BANDS,
        ),
    )


@unit_permission(Perm.EDIT_SELF)
def survey_create(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = forms.SurveyCreateForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Periode %(period)s dibuat.") % {"period": survey.period_label}
            )
            return redirect(survey.get_absolute_url())
    return render(
        request,
        "service_standards/survey_form.html",
        page_context(request, unit, form=form),
        status=400 if form.errors else 200,
    )


def _demographics(survey: SatisfactionSurvey) -> dict:
    """Respondent counts by sex, education and occupation. One query."""
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


def _survey_page(
    request: HttpRequest,
    survey: SatisfactionSurvey,
    *,
    upload_form=None,
    import_errors=None,
    status=200,
) -> HttpResponse:
    """The period's page; after a refused upload, with the form and its errors."""
    demographics = (
        _demographics(survey) if survey.source == SatisfactionSurvey.Source.RESPONDENTS else None
    )
    return render(
        request,
        "service_standards/survey_detail.html",
        page_context(
            request,
            survey.unit,
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


@unit_permission(Perm.VIEW, scope=scopes.SURVEY)
def survey_detail(request: HttpRequest, survey: SatisfactionSurvey) -> HttpResponse:
    return _survey_page(request, survey)


@unit_permission(Perm.EDIT_SELF, scope=scopes.SURVEY)
@require_POST
def survey_import(request: HttpRequest, survey: SatisfactionSurvey) -> HttpResponse:
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
    return _survey_page(request, survey, upload_form=form, import_errors=errors, status=400)


@unit_permission(Perm.EDIT_SELF, scope=scopes.SURVEY)
def survey_averages(request: HttpRequest, survey: SatisfactionSurvey) -> HttpResponse:
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
            form_errors(form, error)
        else:
            messages.success(request, _("Rata-rata per unsur disimpan."))
            return redirect(survey.get_absolute_url())
    return render(
        request,
        "service_standards/survey_averages.html",
        page_context(request, survey.unit, form=form, survey=survey),
        status=400 if form.errors else 200,
    )


@unit_permission(Perm.SUBMIT_SELF, scope=scopes.SURVEY)
@require_POST
def survey_publish(request: HttpRequest, survey: SatisfactionSurvey) -> HttpResponse:
    try:
        services.survey_publish(
            survey=survey,
            by=request.user,
            small_sample_confirmed=request.POST.get("small_sample_confirmed") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Hasil SKM %(period)s dipublikasikan.") % {"period": survey.period_label}
        )
    return redirect(survey.get_absolute_url())


@unit_permission(Perm.EDIT_SELF, scope=scopes.SURVEY)
@require_POST
def survey_population(request: HttpRequest, survey: SatisfactionSurvey) -> HttpResponse:
    """The period's population of service users, from which the sample is sized."""
    form = forms.PopulationForm(request.POST)
    if form.is_valid():
        try:
            services.survey_set_population(
                survey=survey, population=form.cleaned_data["population"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Populasi penerima layanan disimpan."))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect(survey.get_absolute_url())


@unit_permission(Perm.SUBMIT_SELF, scope=scopes.SURVEY)
@require_POST
def survey_unpublish(request: HttpRequest, survey: SatisfactionSurvey) -> HttpResponse:
    try:
        services.survey_unpublish(survey=survey, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Publikasi hasil SKM %(period)s ditarik.") % {"period": survey.period_label}
        )
    return redirect(survey.get_absolute_url())


@unit_permission(Perm.VIEW)
def survey_template(request: HttpRequest, unit: Unit) -> HttpResponse:
    response = HttpResponse(
        respondent_files.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-responden-skm.xlsx"'
    return response
