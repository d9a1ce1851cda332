"""Django admin of declarations (national admins only, see lib.admin_site).

Drafts are edited here like any record, with inlines for the declaring units,
declarants and witnesses; issued declarations are read-only (the inlines
too) and change only through the actions, which call the same services as
the application: finalise, sign, print as a zip. Witness and signatory lists
are imported from xlsx/csv on a declaration's own import page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from declarations import printing, services, signing, texts
from declarations.forms import ParticipantImportForm
from declarations.models import (
    Declarant,
    Declaration,
    DeclarationStatus,
    DeclarationTemplate,
    DeclaringUnit,
    PrintJob,
    Witness,
)
from lib.jobs import JobAdmin

# Set by the services as a declaration is finalised, signed, revoked or superseded.
FROZEN_FIELDS = (
    "status",
    "verification_link",
    "content_sha256",
    "pdf",
    "pdf_sha256",
    "finalised_at",
    "finalised_by",
    "signed_pdf",
    "signed_sha256",
    "signed_at",
    "signed_by",
    "signing_certificate",
    "ended_at",
    "ended_by",
    "end_reason",
    "superseded_by",
    "created_by",
    "created_at",
    "updated_at",
)


class DraftOnlyInline:
    """Inlines are editable while the declaration is a draft, read-only afterwards."""

    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or obj.status == DeclarationStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DeclaringUnitInline(DraftOnlyInline, admin.TabularInline):
    model = DeclaringUnit
    autocomplete_fields = ("unit",)
    fields = ("unit", "order")


class DeclarantInline(DraftOnlyInline, admin.TabularInline):
    model = Declarant
    autocomplete_fields = ("unit",)
    fields = Declarant.ROW_FIELDS


class WitnessInline(DraftOnlyInline, admin.TabularInline):
    model = Witness
    fields = Witness.ROW_FIELDS


class DeclarationAdminForm(forms.ModelForm):
    class Meta:
        model = Declaration
        fields = ("unit", *services.DECLARATION_FIELDS)

    def clean(self):
        cleaned = super().clean()
        body, kind = cleaned.get("body"), cleaned.get("kind")
        if body and kind:
            try:
                texts.check_placeholders(body, texts.placeholders_for(kind))
            except ValidationError as error:
                self.add_error("body", error)
        return cleaned


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    form = DeclarationAdminForm
    list_display = ("__str__", "kind", "unit", "event_date", "city", "status")
    list_filter = ("status", "kind", "framework", "event_date")
    list_select_related = ("unit", "framework")
    search_fields = (
        "title",
        "document_number",
        "venue",
        "city",
        "unit__code",
        "unit__name",
        "declarants__name",
        "witnesses__name",
    )
    autocomplete_fields = ("unit",)
    inlines = (DeclaringUnitInline, DeclarantInline, WitnessInline)
    actions = ("print_zip", "finalise_selected", "sign_selected")
    readonly_fields = FROZEN_FIELDS
    fieldsets = (
        (None, {"fields": ("unit", *services.DOCUMENT_FIELDS)}),
        (_("Acara"), {"fields": services.EVENT_FIELDS}),
        (_("Isi"), {"fields": ("body",)}),
        (_("Status dan berkas"), {"fields": FROZEN_FIELDS}),
    )

    def has_change_permission(self, request, obj=None):
        # Issued declarations open read-only: frozen means frozen, here too.
        if obj is not None and obj.status != DeclarationStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != DeclarationStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # issued declarations are never deleted
        return actions

    def delete_model(self, request, obj):
        services.declaration_delete(declaration=obj, by=request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.revision += 1  # a draft open in someone's edit form is now out of date
        obj._history_user = request.user
        obj._change_reason = "admin"
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in formset.deleted_objects:
            instance._history_user = request.user
            instance.delete()
        for instance in instances:
            instance._history_user = request.user
            instance.full_clean()
            instance.save()

    @admin.display(description=_("halaman verifikasi"))
    def verification_link(self, obj):
        if not obj.pk or not obj.is_issued:
            return "—"
        return format_html('<a href="{0}">{0}</a>', obj.get_verification_path())

    # --- actions --------------------------------------------------------------------

    @admin.action(description=_("Cetak yang dipilih sebagai satu zip"))
    def print_zip(self, request, queryset):
        job = printing.print_job_start(
            declarations=list(queryset.order_by("event_date", "pk").values_list("pk", flat=True)),
            by=request.user,
            label=_("%(count)d pencanangan dari admin") % {"count": queryset.count()},
        )
        return redirect(job)

    @admin.action(description=_("Finalkan draf yang dipilih"))
    def finalise_selected(self, request, queryset):
        self._each(request, queryset.drafts(), services.declaration_finalise, _("difinalkan"))

    @admin.action(description=_("Tandatangani yang final (PAdES)"))
    def sign_selected(self, request, queryset):
        self._each(
            request,
            queryset.filter(status=DeclarationStatus.FINAL),
            services.declaration_sign,
            _("ditandatangani"),
        )

    def _each(self, request, queryset, service, verb):
        done = 0
        for declaration in queryset:
            try:
                service(declaration=declaration, by=request.user)
                done += 1
            except (ValidationError, signing.SigningError) as error:
                message = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{declaration}: {message}", messages.ERROR)
        self.message_user(
            request,
            _("%(count)d pencanangan %(verb)s.") % {"count": done, "verb": verb},
            messages.SUCCESS,
        )

    # --- importing witness and signatory lists --------------------------------------

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:object_id>/impor-peserta/",
                self.admin_site.admin_view(self.import_participants_view),
                name="{}_{}_import_participants".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_participants_view(self, request, object_id):
        declaration = get_object_or_404(Declaration, pk=object_id)
        form = ParticipantImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = form.import_into(declaration, by=request.user)
            if result.ok:
                self.message_user(request, _("%(count)d baris diimpor.") % {"count": result.count})
                return redirect("admin:declarations_declaration_change", declaration.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": declaration,
            "form": form,
            "title": _("Impor saksi atau penanda tangan"),
        }
        return TemplateResponse(request, "admin/declarations/import_participants.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_url": reverse(
                "admin:declarations_declaration_import_participants", args=[object_id]
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(DeclarationTemplate)
class DeclarationTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "title", "updated_at")
    search_fields = ("title", "body")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind") or request.GET.get("kind")
        if kind in texts.SHIPPED_TEMPLATES:
            shipped = texts.SHIPPED_TEMPLATES[kind]
            initial.setdefault("title", shipped.title)
            initial.setdefault("body", shipped.body)
        return initial


admin.site.register(PrintJob, JobAdmin)
