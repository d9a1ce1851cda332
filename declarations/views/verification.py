"""The public verification page a declaration's QR code opens (no login)."""

from __future__ import annotations

import hashlib
import re

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from declarations import signing
from declarations.forms import VerifyForm
from declarations.models import Declaration
from declarations.verification import (
    VerificationResult,
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
    return _verify_response(request, declaration, form=form, result=result, status=status)


def _verify_response(
    request: HttpRequest,
    declaration: Declaration,
    *,
    form: VerifyForm,
    result: VerificationResult | None,
    status: int = 200,
) -> HttpResponse:
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


TOKEN_IN_ADDRESS = re.compile(r"/verifikasi/([A-Za-z0-9_-]+)/?")


def _find(text: str) -> Declaration | None:
    """An issued declaration by its document number or the address in its QR code."""
    text = text.strip()[:300]
    if not text:
        return None
    match = TOKEN_IN_ADDRESS.search(text)
    token = match.group(1) if match else text
    return (
        Declaration.objects.issued()
        .filter(Q(verification_token=token) | Q(document_number__iexact=text))
        .order_by("-finalised_at")
        .first()
    )


def _find_by_file(content: bytes) -> Declaration | None:
    """The issued declaration this exact file is (signed or not), or whose signed copy this
    file's intact signature covers. Two queries, pyHanko only when the bytes differ."""
    digest = hashlib.sha256(content).hexdigest()
    issued = Declaration.objects.issued()
    found = issued.filter(Q(pdf_sha256=digest) | Q(signed_sha256=digest)).first()
    if found is not None:
        return found
    revisions = {
        report.signed_revision_sha256
        for report in signing.inspect_pdf(content).signatures
        if report.signed_revision_sha256
    }
    return issued.filter(signed_sha256__in=revisions).first() if revisions else None


@public
@require_http_methods(["GET", "POST"])
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """Public: find an issued document by its number, its QR address, or the PDF itself."""
    query = (request.GET.get("q") or "").strip()[:300]
    result = None
    not_found = False
    status = 200
    form = VerifyForm()
    if query:
        declaration = _find(query)
        if declaration is not None:
            return redirect(declaration.get_verification_path())
        not_found = True
    elif request.method == "POST":
        if body_too_large(request):
            result = too_large()
        else:
            form = VerifyForm(request.POST, request.FILES)
            if form.is_valid():
                content = read_upload(form.cleaned_data["file"])
                if isinstance(content, bytes):
                    declaration = _find_by_file(content) if content else None
                    if declaration is not None:
                        return _verify_response(
                            request,
                            declaration,
                            form=VerifyForm(),
                            result=verify(declaration, content),
                        )
                    not_found = True
                else:
                    result = content
            else:
                status = 400
    response = render(
        request,
        "declarations/verify_lookup.html",
        {
            "form": form,
            "q": query,
            "not_found": not_found,
            "result": result,
            "max_size": max_upload_bytes(),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response
