"""The Laporan Hasil Evaluasi (LHE) of a reviewer layer: what it says, how it is printed,
issued and signed.

The report of the TPI goes out on the letterhead of the reviewing team's unit (the
inspectorate), numbered, addressed to the head of the evaluated unit, with the
scores per component and area, the verdict on the target predicate rule by rule,
the recommendations per area, and the signature block of the team's lead. The
TPN's report is the same document for the national layer. Its content is frozen
(`snapshot`) when issued; the PDF is kept with its SHA-256, PAdES-signed with the
installation's key (`declarations.signing`) and verifiable by the QR code printed
on it, as a declaration is (`declarations.verification`).

Capabilities: issuing and signing need the layer's review capability on the
evaluated unit (REVIEW_TPI, REVIEW_TPN); reading needs VIEW.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from change_areas import notifications, scoring, selectors, workflow
from change_areas.models import Area, Cycle, Layer, Recommendation, ReviewRound
from declarations import signing
from declarations.models import EvaluationReport
from lib.pdf import RenderedFile, absolute_url, image_data_uri, qr_data_uri, render_pdf
from lib.writes import record
from units import access
from units.models import Unit

REPORT_LAYERS = (Layer.TPI, Layer.TPN)
PDF_TEMPLATE = "pdf/reports/lhe.html"
TEAM_TITLES = {
    Layer.TPI: "Ketua Tim Penilai Internal",
    Layer.TPN: "Ketua Tim Penilai Nasional",
}
TEAM_NAMES = {
    Layer.TPI: "Tim Penilai Internal",
    Layer.TPN: "Tim Penilai Nasional",
}


def check_layer(cycle: Cycle, layer: str, by) -> None:
    """Raise unless `by` may issue the layer's report (404/403) and the layer is final."""
    if layer not in REPORT_LAYERS:
        raise ValidationError(_("Laporan hasil evaluasi diterbitkan oleh TPI atau TPN."))
    if by is not None:
        access.check(by, cycle.unit, workflow.LAYER_PERMS[Layer(layer)])
    if not cycle.layer_counts(layer):
        raise ValidationError(
            _("Laporan hasil evaluasi diterbitkan setelah penilaian %(layer)s final.")
            % {"layer": Layer(layer).label}
        )


def issuer_choices(cycle: Cycle, user) -> list[Unit]:
    """The units whose letterhead the person may put on the report: the units their review
    role is held on (covering the evaluated unit) and those units' direct children — where
    an inspectorate sits under its instansi — previous issuers of the instansi first. Two queries."""
    if user.is_superuser:
        roots = [selectors.instansi_of(cycle.unit)]
    else:
        roots = [
            membership.unit
            for membership in access.memberships_of(user)
            if cycle.unit.path.startswith(membership.unit.path)
            and membership.role in workflow.LAYER_ROLES.values()
        ]
    if not roots:
        return []
    condition = Q(pk__in=[unit.pk for unit in roots])
    for unit in roots:
        condition |= Q(path__startswith=unit.path, depth=unit.depth + 1)
    units = list(Unit.objects.filter(condition).order_by("path"))
    used = set(
        EvaluationReport.objects.filter(
            cycle__unit__path__startswith=cycle.unit.root_path, issuer__in=units
        ).values_list("issuer_id", flat=True)
    )
    return sorted(units, key=lambda unit: (unit.pk not in used, unit.path))


def suggested_number(cycle: Cycle, layer: str) -> str:
    """A number in the usual form, LHE-<sequence>/<layer>/<unit>/<year>, the sequence counting
    the reports of the layer within the instansi this year. One query."""
    issued = EvaluationReport.objects.filter(
        layer=layer,
        cycle__unit__path__startswith=cycle.unit.root_path,
        issued_on__year=timezone.localdate().year,
    ).count()
    return f"LHE-{issued + 1:02d}/{layer.upper()}/{cycle.unit.code}/{cycle.year}"


# --------------------------------------------------------------------------
# What the report says


def build_snapshot(cycle: Cycle, layer: str) -> dict:
    """The report's content as plain data, in Indonesian (the document's language). ~20 queries."""
    with translation.override(settings.LANGUAGE_CODE):
        spec = selectors.catalog_spec(cycle.framework)
        held = selectors.held_predicates(cycle.unit)
        card = selectors.scorecard(cycle, layer, spec=spec, held=held)
        own = cycle.summary(Layer.SELF)
        theirs = selectors.summary_of(card)
        areas = list(
            Area.objects.filter(framework=cycle.framework, is_active=True, component__isnull=False)
            .select_related("component")
            .order_by("component__order", "order")
        )

        def node(summary: dict, group: str, code: str) -> float | None:
            found = summary.get(group, {}).get(code)
            return None if found is None else found["value"]

        components = [
            {
                "code": component.code,
                "name": component.name,
                "weight": component.weight,
                "self": node(own, "components", component.code),
                "layer": node(theirs, "components", component.code),
            }
            for component in spec.components
        ]
        area_rows = [
            {
                "code": area.code,
                "name": area.name,
                "component": area.component.code,
                "weight": float(area.weight or 0),
                "self": node(own, "areas", area.code),
                "layer": node(theirs, "areas", area.code),
            }
            for area in areas
        ]
        rules = [
            {
                "label": check.rule.label,
                "kind": check.rule.kind,
                "met": check.met,
                "figure": check.figure,
                "minimum": check.rule.minimum,
                "is_share": check.rule.kind == "min_area_share",
                "failures": [selectors.failure_text(failure) for failure in check.failures],
            }
            for check in scoring.rule_checks(spec, card, cycle.target, held_predicates=held)
        ]
        recommendations: dict[str, dict] = {}
        for item in (
            Recommendation.objects.filter(cycle=cycle, layer=layer)
            .select_related("area")
            .order_by("area__order", "pk")
        ):
            key = item.area.code if item.area else ""
            group = recommendations.setdefault(
                key, {"area": item.area.name if item.area else _("Umum"), "items": []}
            )
            group["items"].append(
                {
                    "text": item.text,
                    "due": item.due_date.isoformat() if item.due_date else "",
                }
            )
        changed = [
            {
                "code": row["question"].code,
                "text": row["question"].text,
                "self": (row["base"].option or _number(row["base"].value)) if row["base"] else "—",
                "layer": row["answer"].option or _number(row["answer"].value),
                "difference": row["difference"],
                "note": " ".join(
                    part
                    for part in (
                        row["answer"].note,
                        row["review"].reason if row["review"] else "",
                    )
                    if part
                ),
            }
            for row in selectors.changed_answers(cycle, layer, limit=80)
        ]
        unit = cycle.unit
        return {
            "unit": {
                "name": unit.name,
                "code": unit.code,
                "head_name": unit.head_name,
                "head_position": unit.head_position or _("Kepala %(unit)s") % {"unit": unit.name},
                "region": unit.regency or unit.province,
            },
            "year": cycle.year,
            "framework": cycle.framework.name,
            "target": cycle.get_target_display(),
            "layer": layer,
            "team": TEAM_NAMES[Layer(layer)],
            "submitted_on": _date(cycle.submitted_at),
            "final_on": _date(cycle.tpi_finalised_at if layer == Layer.TPI else cycle.decided_at),
            "components": components,
            "areas": area_rows,
            "total": {"self": own.get("total"), "layer": theirs.get("total")},
            "rules": rules,
            "eligible": all(rule["met"] for rule in rules) and bool(rules),
            "recommendations": list(recommendations.values()),
            "changed": changed,
            "rounds": ReviewRound.objects.filter(cycle=cycle, layer=layer).count(),
        }


def _number(value) -> str:
    return "—" if value is None else f"{float(value):.2f}".replace(".", ",")


def _date(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def _parent_name(unit: Unit | None) -> str:
    """The name above the issuer's on its letterhead (its parent). One query, none for a root."""
    if unit is None or unit.depth <= 1:
        return ""
    parent = Unit.objects.filter(path=unit.path[: -unit.steplen]).only("name").first()
    return parent.name if parent else ""


def render(report: EvaluationReport, *, electronic: bool) -> RenderedFile:
    """The report as a PDF, from its snapshot, with the QR code of its verification page.
    `electronic`: the signature block says it is signed electronically (a key is usable)."""
    url = absolute_url(report.get_verification_path())
    issuer = report.issuer
    return render_pdf(
        PDF_TEMPLATE,
        {
            "report": report,
            "doc": report.snapshot,
            "issuer": issuer,
            "logo": image_data_uri(issuer.logo) if issuer else "",
            "parent_name": _parent_name(issuer),
            "verification_url": url,
            "qr": qr_data_uri(url),
            "document_number": report.number,
            "electronic": electronic,
        },
        filename=f"lhe-{report.layer}-{report.cycle.unit.code}-{report.cycle.year}.pdf",
        language=settings.LANGUAGE_CODE,
    )


# --------------------------------------------------------------------------
# Issuing and signing


@transaction.atomic
def report_issue(
    *,
    cycle: Cycle,
    layer: str,
    by,
    number: str,
    issued_on: datetime.date,
    place: str,
    issuer: Unit | None = None,
    issuer_name: str = "",
    signer_position: str = "",
) -> EvaluationReport:
    """Issue the layer's LHE: freeze its content, print it, sign it when a key is usable.

    An earlier report of the same cycle and layer is superseded by this one.
    """
    cycle = Cycle.objects.select_for_update().select_related("unit", "framework").get(pk=cycle.pk)
    check_layer(cycle, layer, by)
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("Isi nomor laporan.")})
    if EvaluationReport.objects.filter(number=number).exists():
        raise ValidationError({"number": _("Nomor %(number)s sudah dipakai.") % {"number": number}})
    if issuer is not None and by is not None and issuer not in issuer_choices(cycle, by):
        raise ValidationError({"issuer": _("Unit ini tidak dapat menjadi penerbit laporan Anda.")})
    name = (issuer_name or "").strip() or (issuer.name if issuer else "")
    if not name:
        raise ValidationError(
            {"issuer_name": _("Pilih unit tim penilai atau tulis nama penerbit.")}
        )
    unit = cycle.unit
    report = EvaluationReport(
        cycle=cycle,
        layer=layer,
        number=number,
        issued_on=issued_on,
        place=place.strip(),
        issuer=issuer,
        issuer_name=name,
        addressee=unit.head_position or _("Kepala %(unit)s") % {"unit": unit.name},
        signer=by,
        signer_name=(by.get_full_name() if by else "") or str(by or _("Sistem")),
        signer_nip=(by.nip or "") if by else "",
        signer_position=signer_position.strip() or TEAM_TITLES[Layer(layer)],
        snapshot=build_snapshot(cycle, layer),
        created_by=by,
    )
    report.full_clean(exclude=["pdf", "pdf_sha256"])
    electronic = signing.key_status(signing_unit(report)).usable
    rendered = render(report, electronic=electronic)
    report.pdf_sha256 = hashlib.sha256(rendered.content).hexdigest()
    report.pdf.save(rendered.filename, ContentFile(rendered.content), save=False)
    record(report, by=by, reason="report_issue")
    report.save()
    EvaluationReport.objects.filter(cycle=cycle, layer=layer, superseded_by__isnull=True).exclude(
        pk=report.pk
    ).update(superseded_by=report)
    if electronic:
        _sign(report, by=by)
    notifications.notify(
        notifications.unit_team(cycle),
        verb="report",
        subject=_("Laporan hasil evaluasi %(unit)s") % {"unit": unit},
        message=_("%(team)s menerbitkan laporan hasil evaluasi %(number)s.")
        % {"team": TEAM_NAMES[Layer(layer)], "number": number},
        url=reverse("declarations:reports", kwargs={"pk": cycle.pk, "layer": layer}),
        cycle=cycle,
        exclude=by,
    )
    return report


def signing_unit(report: EvaluationReport):
    """The unit whose key signs the report: the reviewing team's unit on its letterhead
    (the inspectorate), else the evaluated unit (`signing.signer_for` walks up from it)."""
    return report.issuer or report.cycle.unit


def _sign(report: EvaluationReport, *, by) -> EvaluationReport:
    with report.pdf.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != report.pdf_sha256:
        raise ValidationError(
            _(
                "Berkas PDF yang tersimpan tidak sama dengan hash yang dicatat; penandatanganan dibatalkan."
            )
        )
    signed = signing.sign_pdf(
        content,
        unit=signing_unit(report),
        reason=f"{_('Laporan Hasil Evaluasi')} {_('Nomor')} {report.number}",
        location=report.place or settings.ZI_SIGNING_LOCATION,
        document=f"LHE {report.number}"[:300],
        by=by,
    )
    name = report.pdf.name.rsplit("/", 1)[-1].removesuffix(".pdf") + "-ttd.pdf"
    report.signed_pdf.save(name, ContentFile(signed.content), save=False)
    report.signed_sha256 = signed.sha256
    report.signing_certificate = signed.certificate_subject[:300]
    report.signing_certificate_sha256 = signed.certificate_sha256
    report.signed_at = timezone.now()
    record(report, by=by, reason="report_sign")
    report.save()
    return report


@transaction.atomic
def report_sign(*, report: EvaluationReport, by) -> EvaluationReport:
    """Sign an issued report that went out unsigned (no usable key then).

    Raises SigningError (with a message for people) when there is still no usable key.
    """
    report = (
        EvaluationReport.objects.select_for_update().select_related("cycle__unit").get(pk=report.pk)
    )
    if by is not None:
        access.check(by, report.cycle.unit, workflow.LAYER_PERMS[Layer(report.layer)])
    if report.is_signed:
        raise ValidationError(_("Laporan ini sudah ditandatangani."))
    return _sign(report, by=by)
