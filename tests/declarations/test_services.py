"""The life of a declaration: draft → final → signed, revoked or superseded; never edited after."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError

from declarations import services, signing
from declarations.models import (
    Declarant,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DeclarationTemplate,
    Witness,
)
from tests.factories import DeclarationFactory, MembershipFactory, UnitFactory, UserFactory
from tests.files import stored_bytes
from units.models import Role


def test_a_new_draft_takes_the_kinds_template_and_the_units_head(headed_unit, catalogs, superuser):
    declaration = DeclarationFactory(unit=headed_unit, by=superuser)

    assert declaration.status == DeclarationStatus.DRAFT
    assert declaration.title.startswith("Piagam Pencanangan Pembangunan Zona Integritas")
    assert "{unit}" in declaration.body
    head = declaration.declarants.get()
    assert (head.name, head.nip, head.unit) == (
        "Siti Nurhaliza, S.ST., M.Ec.Dev.",
        "198002142003122002",
        headed_unit,
    )
    assert [link.unit for link in declaration.declaring_units.all()] == [headed_unit]
    record = declaration.history.get()
    assert record.history_user == superuser and record.history_change_reason == "declaration_create"


def test_an_edited_template_is_used_for_new_drafts(headed_unit, catalogs, superuser):
    services.template_save(
        kind=DeclarationKind.PIAGAM,
        title="Piagam Khusus",
        body="Kami di {city} siap.",
        by=superuser,
    )
    declaration = DeclarationFactory(unit=headed_unit)
    assert (declaration.title, declaration.body) == ("Piagam Khusus", "Kami di {city} siap.")
    assert DeclarationTemplate.objects.get().history.get().history_user == superuser


def test_a_template_with_an_unknown_placeholder_is_refused(db):
    with pytest.raises(ValidationError) as caught:
        services.template_save(kind=DeclarationKind.PIAGAM, title="X", body="{kota}", by=None)
    assert "Penanda {kota} tidak dikenal" in str(caught.value)
    assert not DeclarationTemplate.objects.exists()


def test_declaring_units_must_lie_in_the_organisers_subtree(headed_unit, other_unit, catalogs):
    with pytest.raises(ValidationError) as caught:
        DeclarationFactory(unit=headed_unit, units=[headed_unit, other_unit])
    assert "tidak berada di bawah" in str(caught.value)
    assert not Declaration.objects.exists()


def test_a_joint_declaration_names_each_units_head(province, catalogs):
    opds = [
        UnitFactory(parent=province, head_name=f"Kepala {n}", head_position=f"Kepala OPD {n}")
        for n in range(5)
    ]
    declaration = DeclarationFactory(
        unit=province, units=opds, kind=DeclarationKind.PERNYATAAN_KESIAPAN
    )
    assert [d.name for d in declaration.declarants.all()] == [f"Kepala {n}" for n in range(5)]
    assert declaration.declaring_units.count() == 5


def test_an_unknown_placeholder_in_a_draft_is_refused_and_nothing_changes(draft):
    before = draft.body
    with pytest.raises(ValidationError) as caught:
        services.declaration_update(declaration=draft, by=None, body="Di {kota}")
    assert "Penanda {kota} tidak dikenal" in str(caught.value)
    draft.refresh_from_db()
    assert draft.body == before


def test_finalising_freezes_text_and_pdf_with_their_hashes(draft, superuser):
    declaration = services.declaration_finalise(declaration=draft, by=superuser)

    assert declaration.status == DeclarationStatus.FINAL
    content = stored_bytes(declaration.pdf)
    assert content.startswith(b"%PDF")
    assert declaration.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert len(declaration.content_sha256) == 64
    assert declaration.document_number == f"ZI/UNIT/2021/{declaration.pk:05d}"
    snapshot = declaration.snapshot
    assert snapshot["place_date"] == "Sorong, Kamis, 10 Juni 2021"
    assert "Satker Contoh" in snapshot["pages"][0]["body"]
    assert "{" not in snapshot["pages"][0]["body"]
    assert [w["name"] for w in snapshot["witnesses"]] == [
        "Drs. Petrus Kambuaya, M.Si.",
        "Musa Sombuk, S.H., M.H.",
    ]
    latest = declaration.history.first()
    assert latest.history_user == superuser
    assert latest.history_change_reason == "declaration_finalise"
    assert latest.status == DeclarationStatus.FINAL


def test_the_frozen_text_does_not_follow_later_changes_to_the_unit(final):
    from units import services as unit_services

    unit_services.unit_update(unit=final.unit, name="Nama Baru")
    final.refresh_from_db()
    assert "Satker Contoh" in final.snapshot["pages"][0]["body"]


def test_an_issued_declaration_is_never_edited(final):
    with pytest.raises(ValidationError) as caught:
        services.declaration_update(declaration=final, by=None, title="Baru")
    assert caught.value.code == "frozen"
    with pytest.raises(ValidationError):
        services.participants_save(declaration=final, by=None, save=[Witness(name="Saksi Baru")])
    with pytest.raises(ValidationError):
        services.declaration_delete(declaration=final, by=None)
    final.refresh_from_db()
    assert final.witnesses.count() == 2 and Declaration.objects.filter(pk=final.pk).exists()


def test_a_draft_without_declarants_cannot_be_finalised(unit, catalogs):
    declaration = DeclarationFactory(unit=unit)  # the unit names no head
    with pytest.raises(ValidationError) as caught:
        services.declaration_finalise(declaration=declaration, by=None)
    assert "Belum ada penanda tangan." in caught.value.messages
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT and not declaration.pdf


def test_finalising_twice_is_refused(final):
    with pytest.raises(ValidationError):
        services.declaration_finalise(declaration=final, by=None)


def test_signing_keeps_both_files_and_both_hashes(final, signing_key, superuser):
    unsigned_hash = final.pdf_sha256
    declaration = services.declaration_sign(declaration=final, by=superuser)

    assert declaration.status == DeclarationStatus.SIGNED
    assert declaration.pdf_sha256 == unsigned_hash
    assert hashlib.sha256(stored_bytes(declaration.pdf)).hexdigest() == unsigned_hash
    signed = stored_bytes(declaration.signed_pdf)
    assert declaration.signed_sha256 == hashlib.sha256(signed).hexdigest() != unsigned_hash
    assert "ZI Tracker Uji" in declaration.signing_certificate
    assert len(declaration.signing_certificate_sha256) == 64
    assert declaration.history.first().history_change_reason == "declaration_sign"
    with pytest.raises(ValidationError):
        services.declaration_sign(declaration=declaration, by=superuser)


def test_signing_without_a_key_says_so_and_changes_nothing(final, no_signing_key):
    with pytest.raises(signing.SigningKeyMissing) as caught:
        services.declaration_sign(declaration=final, by=None)
    assert "Belum ada kunci tanda tangan" in str(caught.value)
    final.refresh_from_db()
    assert final.status == DeclarationStatus.FINAL and not final.signed_pdf


def test_a_draft_cannot_be_signed(draft, signing_key):
    with pytest.raises(ValidationError) as caught:
        services.declaration_sign(declaration=draft, by=None)
    assert caught.value.code == "not_final"


def test_revoking_keeps_the_files_and_records_why(signed, superuser):
    declaration = services.declaration_revoke(
        declaration=signed, reason="Salah tanggal", by=superuser
    )
    assert declaration.status == DeclarationStatus.REVOKED
    assert declaration.end_reason == "Salah tanggal" and declaration.ended_by == superuser
    assert declaration.pdf and declaration.signed_pdf and declaration.is_signed
    latest = declaration.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("declaration_revoke", superuser)
    with pytest.raises(ValidationError):
        services.declaration_revoke(declaration=declaration, reason="lagi", by=superuser)


def test_revoking_needs_a_reason(final):
    with pytest.raises(ValidationError) as caught:
        services.declaration_revoke(declaration=final, reason="  ", by=None)
    assert "Tuliskan alasannya." in str(caught.value)
    final.refresh_from_db()
    assert final.status == DeclarationStatus.FINAL


def test_superseding_points_to_the_replacement(final):
    copy = services.declaration_duplicate(declaration=final, by=None)
    assert copy.status == DeclarationStatus.DRAFT
    assert copy.declarants.count() == 1 and copy.witnesses.count() == 2
    copy = services.declaration_finalise(declaration=copy, by=None)

    old = services.declaration_supersede(
        declaration=final, replacement=copy, reason="Revisi", by=None
    )
    assert old.status == DeclarationStatus.SUPERSEDED and old.superseded_by == copy
    assert old.history.first().history_change_reason == "declaration_supersede"
    assert list(copy.supersedes.all()) == [old]


def test_a_declaration_cannot_supersede_itself_or_be_replaced_by_a_draft(final):
    with pytest.raises(ValidationError):
        services.declaration_supersede(declaration=final, replacement=final, reason="x", by=None)
    other = DeclarationFactory(unit=final.unit)
    with pytest.raises(ValidationError) as caught:
        services.declaration_supersede(declaration=final, replacement=other, reason="x", by=None)
    assert "Pengganti harus pencanangan yang berlaku" in str(caught.value)


def test_only_drafts_are_deleted_and_the_deletion_is_in_the_history(draft, superuser):
    pk = draft.pk
    services.declaration_delete(declaration=draft, by=superuser)
    assert not Declaration.objects.filter(pk=pk).exists()
    deleted = Declaration.history.filter(id=pk, history_type="-").get()
    assert deleted.history_user == superuser


def test_a_pakta_integritas_gets_one_declarant_per_person_of_the_unit(headed_unit, catalogs):
    people = [
        UserFactory(full_name="Budi Santoso", nip="199001012015031001", position="Statistisi"),
        UserFactory(full_name="Ani Wijaya", nip="", position="Pranata Komputer"),
    ]
    for person in people:
        MembershipFactory(unit=headed_unit, user=person, role=Role.STAFF)
    pakta = DeclarationFactory(unit=headed_unit, kind=DeclarationKind.PAKTA_INTEGRITAS)

    count = services.declarants_from_people(declaration=pakta, by=None)

    assert count == 2
    assert [(d.name, d.nip) for d in pakta.declarants.all()] == [
        ("Ani Wijaya", ""),
        ("Budi Santoso", "199001012015031001"),
    ]


def test_participants_are_validated_before_anything_is_saved(draft):
    with pytest.raises(ValidationError):
        services.participants_save(
            declaration=draft, by=None, save=[Declarant(name="X", nip="12345")]
        )
    assert draft.declarants.count() == 1


def test_finalising_uses_the_event_date_of_the_draft(draft):
    services.declaration_update(declaration=draft, by=None, event_date=datetime.date(2018, 4, 25))
    final = services.declaration_finalise(declaration=draft, by=None)
    assert final.snapshot["place_date"] == "Sorong, Rabu, 25 April 2018"
