"""The public verification page a declaration's QR code opens (no login)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from declarations.forms import VerifyForm
from declarations.models import Declaration
from declarations.verification import (
    body_too_large,
    max_upload_bytes,
    read_upload,
    too_large,
    verify,
)
from units.access import public


@public
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
    if request.method == "POST" and body_too_large(request):
        # Refused before Django reads the body: the size says enough.
        form = VerifyForm()
        result = too_large()
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
