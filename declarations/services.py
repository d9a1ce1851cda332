"""Writes to declarations: drafts, participants, finalisation, signing, revocation, supersession.

Every change goes through one of these functions, whether it comes from a
view, the admin, an import, a task or a command, so the rules (a frozen
declaration is never edited or deleted) and the history are the same
everywhere.

Permission: given the acting person (`by=`), a function refuses them as the
declaring view does — ADMINISTER on the declaration
(`selectors.check_declaration`), or on the organising unit for a new draft —
raising Http404 for outsiders and PermissionDenied for insiders without it.
`by=None` is the system (commands, demo data, migrations) and is trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import documents, signing, texts
from declarations.models import (
    Declarant,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DeclarationTemplate,
    DeclaringUnit,
    Witness,
)
from declarations.selectors import check_declaration, units_of, with_participants
from lib.concurrency import check_revision
from lib.files import read_stored
from lib.writes import record, refuse_unknown
from units import access
from units.access import Perm
from units.models import Membership, Unit, User

# What a draft says, the fields a caller may set (the organising unit is chosen once, at
# creation): the document, the event where it is declared, and its text.
DOCUMENT_FIELDS = ("kind", "framework", "title", "document_number")
EVENT_FIELDS = ("event_date", "event_time", "venue", "city")
DECLARATION_FIELDS = (*DOCUMENT_FIELDS, *EVENT_FIELDS, "body")


def _authorise(by: User | None, declaration: Declaration) -> None:
    """Refuse a person who may not administer the declaration; the system (None) may.

    Only the organiser's roles give ADMINISTER, so the declaring units are read
    only to tell a refused person 404 from 403, as the view does.
    """
    if by is not None and not access.can(by, declaration.unit, Perm.ADMINISTER):
        check_declaration(by, declaration, Perm.ADMINISTER)


def _require_draft(declaration: Declaration) -> None:
    if declaration.status != DeclarationStatus.DRAFT:
        raise ValidationError(
            _("Pencanangan ini sudah %(status)s: isinya dibekukan dan tidak dapat diubah.")
            % {"status": declaration.get_status_display().lower()},
            code="frozen",
        )


def _locked(declaration: Declaration, *, expected_revision: int | None = None) -> Declaration:
    """Re-read the row under a lock so two admins cannot finalise or sign it twice.

    With `expected_revision` (the revision an edit form was opened at), a draft
    someone saved in the meantime raises EditConflict and nothing is written.
    """
    current = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if current.status == DeclarationStatus.DRAFT:
        check_revision(current, expected_revision)
    declaration.status = current.status
    declaration.revision = current.revision
    return declaration


def _touch(declaration: Declaration, *, by: User | None, reason: str) -> None:
    """A change to a draft's declarants or witnesses is a new revision of the draft too."""
    declaration.revision += 1
    record(declaration, by=by, reason=reason)
    declaration.save(update_fields=["revision"])


def template_for(kind: str) -> texts.ShippedTemplate:
    """The body template of a kind: the admins' edited one, else the shipped one."""
    edited = DeclarationTemplate.objects.filter(kind=kind).first()
    if edited is not None:
        return texts.ShippedTemplate(edited.title, edited.body)
    return texts.SHIPPED_TEMPLATES[kind]


def _check_body(declaration: Declaration) -> None:
    try:
        texts.check_placeholders(declaration.body, texts.placeholders_for(declaration.kind))
    except ValidationError as error:
        raise ValidationError({"body": error}) from None


def _check_units(organiser: Unit, units: list[Unit]) -> None:
    if not units:
        raise ValidationError(
            {"units": _("Pilih paling sedikit satu unit yang mencanangkan.")}, code="no_units"
        )
    outside = [unit.name for unit in units if not unit.path.startswith(organiser.path)]
    if outside:
        raise ValidationError(
            {
                "units": _("Unit berikut tidak berada di bawah %(organiser)s: %(units)s.")
                % {"organiser": organiser.name, "units": ", ".join(outside)}
            },
            code="outside",
        )


def _head_declarant(declaration: Declaration, unit: Unit, order: int) -> Declarant | None:
    """The unit's head as a declarant, when the unit record names one."""
    if not unit.head_name:
        return None
    return Declarant(
        declaration=declaration,
        unit=unit,
        name=unit.head_name,
        nip=unit.head_nip,
        position=unit.head_position,
        order=order,
    )


def _save_declaring_units(
    declaration: Declaration, units: list[Unit], *, by: User | None, add_heads: bool
) -> None:
    existing = {
        link.unit_id: link for link in DeclaringUnit.objects.filter(declaration=declaration)
    }
    wanted = [unit.pk for unit in units]
    for unit_id, link in existing.items():
        if unit_id not in wanted:
            record(link, by=by, reason="declaration_units")
            link.delete()
            for declarant in Declarant.objects.filter(declaration=declaration, unit_id=unit_id):
                record(declarant, by=by, reason="declaration_units")
                declarant.delete()
    next_order = Declarant.objects.filter(declaration=declaration).count()
    for order, unit in enumerate(units):
        link = existing.get(unit.pk)
        if link is None:
            link = DeclaringUnit(declaration=declaration, unit=unit, order=order)
            link.full_clean(validate_constraints=False)
            record(link, by=by, reason="declaration_units")
            link.save()
            if add_heads:
                head = _head_declarant(declaration, unit, next_order)
                if head is not None:
                    head.full_clean()
                    record(head, by=by, reason="declaration_units")
                    head.save()
                    next_order += 1
        elif link.order != order:
            link.order = order
            record(link, by=by, reason="declaration_units")
            link.save(update_fields=["order"])


@transaction.atomic
def declaration_create(
    *,
    unit: Unit,
    units: list[Unit] | None = None,
    by: User | None,
    add_heads: bool = True,
    **fields: Any,
) -> Declaration:
    """A new draft organised by `unit`, declared by `units` (default: `unit` alone).

    Title and body default to the kind's template; each declaring unit's head
    becomes a declarant when the unit names one (`add_heads`).
    """
    refuse_unknown(fields, allowed=DECLARATION_FIELDS, what="declaration")
    if by is not None:
        access.check(by, unit, Perm.ADMINISTER)
    units = list(units) if units else [unit]
    template = template_for(fields.get("kind") or DeclarationKind.PIAGAM)
    fields.setdefault("title", template.title)
    if not fields.get("body"):
        fields["body"] = template.body
    declaration = Declaration(unit=unit, created_by=by, **fields)
    declaration.full_clean()
    _check_body(declaration)
    _check_units(unit, units)
    record(declaration, by=by, reason="declaration_create")
    declaration.save()
    _save_declaring_units(declaration, units, by=by, add_heads=add_heads)
    return declaration


@transaction.atomic
def declaration_update(
    *,
    declaration: Declaration,
    by: User | None,
    units: list[Unit] | None = None,
    expected_revision: int | None = None,
    **fields: Any,
) -> Declaration:
    """Change a draft's fields and, when given, its declaring units (in order).

    With `expected_revision`, a draft saved by someone else since raises EditConflict.
    """
    refuse_unknown(fields, allowed=DECLARATION_FIELDS, what="declaration")
    _authorise(by, declaration)
    _require_draft(_locked(declaration, expected_revision=expected_revision))
    for name, value in fields.items():
        setattr(declaration, name, value)
    declaration.full_clean()
    _check_body(declaration)
    if units is not None:
        _check_units(declaration.unit, list(units))
    declaration.revision += 1
    record(declaration, by=by, reason="declaration_update")
    declaration.save()
    if units is not None:
        _save_declaring_units(declaration, list(units), by=by, add_heads=True)
    return declaration


@transaction.atomic
def participants_save(
    *,
    declaration: Declaration,
    by: User | None,
    save: Iterable[Declarant | Witness] = (),
    delete: Iterable[Declarant | Witness] = (),
) -> None:
    """Add, change or remove declarants and witnesses of a draft (from forms or imports)."""
    _authorise(by, declaration)
    _require_draft(_locked(declaration))
    save, delete = list(save), list(delete)
    for model in (Declarant, Witness):
        ids = [p.pk for p in save if isinstance(p, model) and p.pk is not None]
        if ids:
            # A declarant removed with its unit in the same request stays removed.
            alive = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
            save = [p for p in save if not isinstance(p, model) or p.pk is None or p.pk in alive]
    for participant in delete:
        if participant.pk is None or participant.declaration_id != declaration.pk:
            continue
        record(participant, by=by, reason="participants_save")
        participant.delete()
    for participant in save:
        participant.declaration = declaration
        participant.full_clean()
        record(participant, by=by, reason="participants_save")
        participant.save()
    if save or delete:
        _touch(declaration, by=by, reason="participants_save")


@transaction.atomic
def participants_replace(
    *,
    declaration: Declaration,
    model: type[Declarant] | type[Witness],
    people: list[dict],
    by: User | None,
) -> int:
    """Replace every declarant (or witness) of a draft with `people`; all or nothing."""
    _authorise(by, declaration)
    _require_draft(_locked(declaration))
    new = [
        model(declaration=declaration, order=order, **person) for order, person in enumerate(people)
    ]
    errors = []
    for number, participant in enumerate(new, start=1):
        try:
            participant.full_clean()
        except ValidationError as error:
            messages = "; ".join(
                f"{model._meta.get_field(name).verbose_name}: {' '.join(texts_)}"
                if name != "__all__"
                else " ".join(texts_)
                for name, texts_ in error.message_dict.items()
            )
            errors.append(
                _("Orang ke-%(n)d (%(name)s): %(messages)s")
                % {"n": number, "name": participant.name or "—", "messages": messages}
            )
    if errors:
        raise ValidationError(errors)
    for old in model.objects.filter(declaration=declaration):
        record(old, by=by, reason="participants_replace")
        old.delete()
    for participant in new:
        record(participant, by=by, reason="participants_replace")
        participant.save()
    _touch(declaration, by=by, reason="participants_replace")
    return len(new)


@transaction.atomic
def declarants_from_people(*, declaration: Declaration, by: User | None) -> int:
    """A pakta integritas signed by each person who holds a role on a declaring unit.

    Replaces the declarants with one per person (name, NIP, position from their
    account), in name order; people without a name are skipped.
    """
    _authorise(by, declaration)
    _require_draft(_locked(declaration))
    units = list(
        Unit.objects.filter(declarations_declared__declaration=declaration).order_by(
            "declarations_declared__order"
        )
    )
    seen: set[int] = set()
    people = []
    memberships = (
        Membership.objects.filter(unit__in=units)
        .select_related("user", "unit")
        .order_by("unit__path", "user__full_name", "user__username")
    )
    for membership in memberships:
        user = membership.user
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        name = user.get_full_name()
        if not name:
            continue
        people.append(
            {
                "name": name,
                "nip": user.nip or "",
                "position": user.position,
                "unit": membership.unit,
            }
        )
    if not people:
        raise ValidationError(
            _(
                "Belum ada pegawai dengan nama lengkap yang memegang peran pada unit yang "
                "mencanangkan."
            )
        )
    return participants_replace(declaration=declaration, model=Declarant, people=people, by=by)


def _assign_number(declaration: Declaration) -> None:
    if not declaration.document_number:
        declaration.document_number = (
            f"ZI/{declaration.unit.code}/{declaration.event_date:%Y}/{declaration.pk:05d}"
        )


def completeness_problems(declaration: Declaration) -> list[str]:
    """What stops a draft from being finalised, in words for the admin (prefetched data)."""
    problems = []
    if not units_of(declaration):
        problems.append(_("Belum ada unit yang mencanangkan."))
    declarants = list(declaration.declarants.all())
    if not declarants:
        problems.append(_("Belum ada penanda tangan."))
    if not declaration.body.strip():
        problems.append(_("Isi dokumen masih kosong."))
    else:
        try:
            texts.check_placeholders(declaration.body, texts.placeholders_for(declaration.kind))
        except ValidationError as error:
            problems.extend(error.messages)
    return problems


@transaction.atomic
def declaration_finalise(*, declaration: Declaration, by: User | None) -> Declaration:
    """Freeze a draft: fill its text, render its PDF once, store the bytes and their SHA-256."""
    _authorise(by, declaration)
    _require_draft(_locked(declaration))
    declaration = with_participants(Declaration.objects.filter(pk=declaration.pk)).get()
    problems = completeness_problems(declaration)
    if problems:
        raise ValidationError(problems)
    _assign_number(declaration)
    snapshot = documents.build_snapshot(declaration)
    rendered = documents.render(declaration, draft=False, snapshot=snapshot)
    declaration.snapshot = snapshot
    declaration.content_sha256 = documents.content_hash(snapshot)
    declaration.pdf_sha256 = hashlib.sha256(rendered.content).hexdigest()
    declaration.pdf.save(rendered.filename, ContentFile(rendered.content), save=False)
    declaration.status = DeclarationStatus.FINAL
    declaration.finalised_at = timezone.now()
    declaration.finalised_by = by
    record(declaration, by=by, reason="declaration_finalise")
    declaration.save()
    return declaration


def _signing_reason(declaration: Declaration) -> str:
    reason = settings.ZI_SIGNING_REASON
    if declaration.document_number:
        return f"{reason} — {_('Nomor')} {declaration.document_number}"
    return reason


@transaction.atomic
def declaration_sign(*, declaration: Declaration, by: User | None) -> Declaration:
    """Sign the issued PDF (PAdES) with the key that signs the organiser's documents
    (`signing.signer_for`) and keep the signed copy.

    The unsigned file and its hash stay; the signed file gets its own hash.
    Raises SigningError (with a message for people) when no usable key is set.
    """
    _authorise(by, declaration)
    _locked(declaration)
    if declaration.status != DeclarationStatus.FINAL:
        if declaration.status == DeclarationStatus.SIGNED:
            raise ValidationError(_("Pencanangan ini sudah ditandatangani."), code="signed")
        raise ValidationError(
            _("Hanya pencanangan berstatus final yang dapat ditandatangani."), code="not_final"
        )
    try:
        content = read_stored(declaration.pdf)
    except FileNotFoundError:
        raise ValidationError(
            _(
                "Berkas PDF pencanangan ini tidak ditemukan di penyimpanan; penandatanganan dibatalkan."
            ),
            code="missing",
        ) from None
    if hashlib.sha256(content).hexdigest() != declaration.pdf_sha256:
        raise ValidationError(
            _(
                "Berkas PDF yang tersimpan tidak sama dengan hash yang dicatat; penandatanganan "
                "dibatalkan."
            ),
            code="tampered",
        )
    location = declaration.city or settings.ZI_SIGNING_LOCATION
    signed = signing.sign_pdf(
        content,
        unit=declaration.unit,
        reason=_signing_reason(declaration),
        location=location,
        document=str(declaration)[:300],
        by=by,
    )
    name = declaration.pdf.name.rsplit("/", 1)[-1].removesuffix(".pdf") + "-ttd.pdf"
    declaration.signed_pdf.save(name, ContentFile(signed.content), save=False)
    declaration.signed_sha256 = signed.sha256
    declaration.signing_certificate = signed.certificate_subject[:300]
    declaration.signing_certificate_sha256 = signed.certificate_sha256
    declaration.signed_with_trial_key = signed.trial
    declaration.signed_at = timezone.now()
    declaration.signed_by = by
    declaration.status = DeclarationStatus.SIGNED
    record(declaration, by=by, reason="declaration_sign")
    declaration.save()
    return declaration


def _require_valid(declaration: Declaration) -> None:
    if declaration.status not in (DeclarationStatus.FINAL, DeclarationStatus.SIGNED):
        raise ValidationError(
            _(
                "Hanya pencanangan yang berlaku (final atau ditandatangani) yang dapat dicabut "
                "atau diganti."
            ),
            code="not_valid",
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasannya.")}, code="no_reason")
    return reason


def _end(
    declaration: Declaration, status: str, *, why: str, by: User | None, action: str
) -> Declaration:
    """Revoke or supersede: the files stay as issued; who ended it, when and why are kept."""
    declaration.status = status
    declaration.ended_at = timezone.now()
    declaration.ended_by = by
    declaration.end_reason = why
    record(declaration, by=by, reason=f"declaration_{action}")
    declaration.save()
    return declaration


@transaction.atomic
def declaration_revoke(*, declaration: Declaration, reason: str, by: User | None) -> Declaration:
    """Withdraw an issued declaration. The files stay; the verification page says 'dicabut'."""
    _authorise(by, declaration)
    reason = _require_reason(reason)
    _require_valid(_locked(declaration))
    return _end(declaration, DeclarationStatus.REVOKED, why=reason, by=by, action="revoke")


@transaction.atomic
def declaration_supersede(
    *, declaration: Declaration, replacement: Declaration, reason: str, by: User | None
) -> Declaration:
    """Replace an issued declaration by another issued one; the old one points to the new."""
    _authorise(by, declaration)
    reason = _require_reason(reason)
    _require_valid(_locked(declaration))
    if replacement.pk == declaration.pk:
        raise ValidationError(
            {"replacement": _("Pencanangan tidak dapat menggantikan dirinya sendiri.")}
        )
    if replacement.status not in (DeclarationStatus.FINAL, DeclarationStatus.SIGNED):
        raise ValidationError(
            {
                "replacement": _(
                    "Pengganti harus pencanangan yang berlaku (final atau ditandatangani)."
                )
            }
        )
    declaration.superseded_by = replacement
    return _end(declaration, DeclarationStatus.SUPERSEDED, why=reason, by=by, action="supersede")


@transaction.atomic
def declaration_duplicate(*, declaration: Declaration, by: User | None) -> Declaration:
    """A new draft with the same event, text, units and people (to correct an issued one)."""
    _authorise(by, declaration)
    source = with_participants(Declaration.objects.filter(pk=declaration.pk)).get()
    copy = declaration_create(
        unit=source.unit,
        units=units_of(source),
        by=by,
        add_heads=False,
        **{name: getattr(source, name) for name in DECLARATION_FIELDS if name != "document_number"},
    )
    # Each person is saved again as a new row, every field copied (a field added later too).
    for person in [*source.declarants.all(), *source.witnesses.all()]:
        person.pk, person._state.adding = None, True
        person.declaration = copy
        record(person, by=by, reason="declaration_duplicate")
        person.save()
    return copy


@transaction.atomic
def declaration_delete(*, declaration: Declaration, by: User | None) -> None:
    """Delete a draft. Issued declarations are never deleted (revoke or supersede them)."""
    _authorise(by, declaration)
    _require_draft(_locked(declaration))
    for model in (Declarant, Witness, DeclaringUnit):
        for row in model.objects.filter(declaration=declaration):
            record(row, by=by, reason="declaration_delete")
            row.delete()
    record(declaration, by=by, reason="declaration_delete")
    declaration.delete()


@transaction.atomic
def template_save(*, kind: str, title: str, body: str, by: User | None) -> DeclarationTemplate:
    """Create or change the body template of a kind (placeholders checked).

    The templates serve every unit, so only superusers (or the system) change them.
    """
    if by is not None and not by.is_superuser:
        raise PermissionDenied
    template = DeclarationTemplate.objects.filter(kind=kind).first() or DeclarationTemplate(
        kind=kind
    )
    template.title = title
    template.body = body
    template.full_clean()
    record(template, by=by, reason="template_save")
    template.save()
    return template
