"""What the declaration pages share: a declaration's page, form errors from services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from declarations import documents, selectors, services, signing
from declarations.forms import ParticipantImportForm, RevokeForm, SupersedeForm
from declarations.models import Declaration, DeclarationStatus

DETAIL_TEMPLATE = "declarations/declaration_detail.html"

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


def _document_text(declaration: Declaration) -> str:
    """The words as printed: frozen for issued declarations, filled now for drafts."""
    if declaration.is_issued and declaration.snapshot.get("pages"):
        return declaration.snapshot["pages"][0]["body"]
    try:
        return documents.build_snapshot(declaration)["pages"][0]["body"]
    except (ValidationError, IndexError):
        return declaration.body


def detail_context(request: HttpRequest, declaration: Declaration, **forms) -> dict:
    """The declaration's page; an action refused by its form passes that form back in."""
    can_manage = selectors.can_manage(request.user, declaration)
    context = {
        "declaration": declaration,
        "units": selectors.units_of(declaration),
        "declarants": list(declaration.declarants.all()),
        "witnesses": list(declaration.witnesses.all()),
        "can_manage": can_manage,
        "history": _history(declaration) if can_manage else [],
        "verification_url": documents.verification_url(declaration),
        "key": signing.key_status(declaration.unit)
        if can_manage and declaration.status == DeclarationStatus.FINAL
        else None,
        "can_manage_keys": request.user.is_superuser,
    }
    if can_manage and declaration.is_draft:
        context["problems"] = services.completeness_problems(declaration)
        context["import_form"] = forms.get("import_form") or ParticipantImportForm()
    if can_manage and declaration.is_valid:
        context["revoke_form"] = forms.get("revoke_form") or RevokeForm()
        supersede_form = forms.get("supersede_form") or SupersedeForm(
            replacements=selectors.replacement_choices(declaration)
        )
        if supersede_form.replacements:
            context["supersede_form"] = supersede_form
    context["text"] = _document_text(declaration)
    return context


def form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
