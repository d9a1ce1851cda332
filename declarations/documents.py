"""What a declaration document says (its snapshot and content hash) and how it is printed.

The snapshot is plain data: the words, names, dates and places of the
document, filled in the document's language (Indonesian). It is frozen on
the declaration at finalisation; its SHA-256 (the *content hash*) is printed
in every page's footer and shown by the public verification page, so a paper
copy can be matched to the record. The PDF file's own SHA-256 cannot be
printed inside that file; it is recorded beside it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from declarations import texts
from declarations.models import Declaration, DeclarationKind
from declarations.selectors import units_of
from lib.pdf import RenderedFile, absolute_url, image_data_uri, qr_data_uri, render_pdf
from units.models import Unit

SNAPSHOT_VERSION = 1
PDF_TEMPLATE = "pdf/declarations/declaration.html"


def _text(value) -> str:
    return str(value or "").strip()


def _unit_name(unit: Unit | None) -> str:
    return unit.name if unit is not None else ""


def body_values(declaration: Declaration, units: list[Unit]) -> dict[str, str]:
    """The values of the placeholders shared by every page of the document."""
    return {
        "unit": texts.join_names([unit.name for unit in units]),
        "organizer": declaration.unit.name,
        **texts.date_values(declaration.event_date, declaration.event_time),
        "venue": _text(declaration.venue),
        "city": _text(declaration.city),
        "framework": declaration.framework.name if declaration.framework_id else "",
    }


def _person_values(declarant, common: dict[str, str]) -> dict[str, str]:
    unit_name = _unit_name(declarant.unit) or common["unit"]
    return {
        **common,
        "unit": unit_name,
        "name": declarant.name,
        "nip": texts.format_nip(declarant.nip) or "-",
        "position": declarant.position or "-",
    }


def build_snapshot(declaration: Declaration) -> dict:
    """The document's content as plain data. Needs `with_participants` (no further query).

    Raises ValidationError when the body cannot be filled (unknown placeholder).
    """
    with translation.override(settings.LANGUAGE_CODE):
        units = units_of(declaration)
        declarants = list(declaration.declarants.all())
        witnesses = list(declaration.witnesses.all())
        common = body_values(declaration, units)
        if declaration.kind == DeclarationKind.PAKTA_INTEGRITAS:
            pages = [
                {
                    "signer": index,
                    "body": texts.fill(declaration.body, _person_values(person, common)),
                }
                for index, person in enumerate(declarants)
            ]
        else:
            pages = [{"signer": None, "body": texts.fill(declaration.body, common)}]
        place_date = ", ".join(part for part in (_text(declaration.city), common["date"]) if part)
        return {
            "version": SNAPSHOT_VERSION,
            "kind": declaration.kind,
            "kind_label": str(DeclarationKind(declaration.kind).label),
            "title": _text(declaration.title),
            "number": _text(declaration.document_number),
            "organiser": {"code": declaration.unit.code, "name": declaration.unit.name},
            "units": [{"code": unit.code, "name": unit.name} for unit in units],
            "framework": {
                "code": declaration.framework.code,
                "name": declaration.framework.name,
            },
            "event": {
                "date": declaration.event_date.isoformat(),
                "date_display": common["date"],
                "time": declaration.event_time.strftime("%H:%M") if declaration.event_time else "",
                "time_display": common["time"],
                "venue": _text(declaration.venue),
                "city": _text(declaration.city),
            },
            "place_date": place_date,
            "pages": pages,
            "declarants": [
                {
                    "name": person.name,
                    "nip": person.nip,
                    "position": person.position,
                    "unit": _unit_name(person.unit),
                }
                for person in declarants
            ],
            "witnesses": [
                {
                    "name": person.name,
                    "position": person.position,
                    "institution": person.institution,
                }
                for person in witnesses
            ],
        }


def content_hash(snapshot: dict) -> str:
    """SHA-256 of the snapshot in a canonical JSON form (sorted keys, UTF-8, no spaces)."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- printing ---------------------------------------------------------------------------


@dataclass
class SignatureBlock:
    lines_above: list[str]
    name: str
    lines_below: list[str]
    image: str = ""  # data URI
    key: str = ""  # stable id of the block, for layout tests


@dataclass
class Sheet:
    """One run of pages: the whole document, or one signer's page of a pakta integritas."""

    blocks: list[texts.Block]
    declarant_rows: list[list[SignatureBlock]] = field(default_factory=list)
    witness_rows: list[list[SignatureBlock]] = field(default_factory=list)
    declarant_columns: int = 1
    witness_columns: int = 1

    @property
    def single(self) -> bool:
        return self.declarant_columns == 1


def columns_for(count: int) -> int:
    if count <= 1:
        return 1
    if count in (2, 4):
        return 2
    return 3


def rows_of(blocks: list[SignatureBlock]) -> list[list[SignatureBlock]]:
    width = columns_for(len(blocks))
    return [blocks[start : start + width] for start in range(0, len(blocks), width)]


def _declarant_block(person, index: int, image: str, *, with_position: bool) -> SignatureBlock:
    position = person.get("position", "") if with_position else ""
    below = (
        [_("NIP. %(nip)s") % {"nip": texts.format_nip(person["nip"])}] if person.get("nip") else []
    )
    return SignatureBlock(
        lines_above=[f"{position}," if position else ""],
        name=person["name"],
        lines_below=below,
        image=image,
        key=f"declarant-{index}",
    )


def _witness_block(person, index: int, image: str) -> SignatureBlock:
    above = [line for line in (person.get("position", ""), person.get("institution", "")) if line]
    return SignatureBlock(
        lines_above=above or [""],
        name=person["name"],
        lines_below=[],
        image=image,
        key=f"witness-{index}",
    )


DECLARANTS_HEADING = {
    DeclarationKind.PAKTA_INTEGRITAS: "Yang membuat pernyataan,",
    DeclarationKind.PERNYATAAN_KESIAPAN: "Yang menyatakan,",
    DeclarationKind.KOMITMEN_BERSAMA: "Yang bersepakat,",
    DeclarationKind.PIAGAM: "",
}


def print_context(
    declaration: Declaration, snapshot: dict, *, draft: bool, content_sha256: str
) -> dict:
    """Template context for the PDF. Reads the logo and signature images from storage."""
    declarant_images = [
        image_data_uri(person.signature_image) for person in declaration.declarants.all()
    ]
    witness_images = [
        image_data_uri(person.signature_image) for person in declaration.witnesses.all()
    ]
    declarant_blocks = [
        _declarant_block(
            person,
            index,
            declarant_images[index] if index < len(declarant_images) else "",
            with_position=not declaration.is_pakta,
        )
        for index, person in enumerate(snapshot["declarants"])
    ]
    witness_blocks = [
        _witness_block(person, index, witness_images[index] if index < len(witness_images) else "")
        for index, person in enumerate(snapshot["witnesses"])
    ]
    witness_rows = rows_of(witness_blocks)
    sheets = []
    for page in snapshot["pages"]:
        # A pakta integritas page has one signer; other documents have them all.
        signers = declarant_blocks if page["signer"] is None else [declarant_blocks[page["signer"]]]
        sheets.append(
            Sheet(
                blocks=texts.layout(page["body"]),
                declarant_rows=rows_of(signers),
                witness_rows=witness_rows,
                declarant_columns=columns_for(len(signers)),
                witness_columns=columns_for(len(witness_blocks)),
            )
        )
    organiser = declaration.unit
    root_name = ""
    if organiser.depth > 1:
        root = Unit.objects.filter(path=organiser.root_path).only("name").first()
        root_name = root.name if root else ""
    url = verification_url(declaration)
    return {
        "doc": snapshot,
        "sheets": sheets,
        "unit": organiser,
        "logo": image_data_uri(organiser.logo),
        "parent_name": root_name,
        "draft": draft,
        "content_sha256": content_sha256,
        "verification_url": url,
        "qr": qr_data_uri(url),
        "declarants_heading": DECLARANTS_HEADING[DeclarationKind(declaration.kind)],
        "event_time": snapshot["event"]["time_display"],
    }


def render(declaration: Declaration, *, draft: bool, snapshot: dict | None = None) -> RenderedFile:
    """The declaration as a PDF (`with_participants` loaded). Drafts carry a DRAF watermark."""
    if snapshot is None:
        snapshot = build_snapshot(declaration)
    digest = content_hash(snapshot)
    context = print_context(declaration, snapshot, draft=draft, content_sha256=digest)
    suffix = "-draf" if draft else ""
    return render_pdf(
        PDF_TEMPLATE,
        context,
        filename=f"{declaration.file_stem()}{suffix}.pdf",
        language=settings.LANGUAGE_CODE,
    )


def verification_url(declaration: Declaration) -> str:
    """The public verification address printed in the QR code (ZI_PUBLIC_BASE_URL + path)."""
    return absolute_url(declaration.get_verification_path())
