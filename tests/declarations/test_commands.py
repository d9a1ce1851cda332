"""print_declarations, and the demo declarations seed_demo adds."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from declarations import demo
from declarations.models import Declaration, DeclarationStatus, SigningKey
from tests.factories import DeclarationFactory
from tests.files import stored_bytes
from tests.pdfs import pdf_text


def run_print(*args, **options) -> list[tuple[str, str]]:
    out = io.StringIO()
    call_command("print_declarations", *args, stdout=out, stderr=io.StringIO(), **options)
    return [tuple(line.split("\t")) for line in out.getvalue().splitlines()]


def test_print_declarations_writes_each_final_declaration_with_its_hash(final, tmp_path):
    DeclarationFactory(unit=final.unit)  # a draft: not printed
    rows = run_print(str(tmp_path / "out"))

    ((path, digest),) = rows  # the draft is not printed
    written = tmp_path / "out" / f"{final.file_stem()}.pdf"
    assert path == str(written)
    assert written.read_bytes() == stored_bytes(final.pdf)
    assert digest == hashlib.sha256(written.read_bytes()).hexdigest() == final.pdf_sha256


def test_print_declarations_limits_to_a_units_subtree(
    final, other_unit, province, tmp_path, catalogs
):
    assert len(run_print(str(tmp_path), unit=province.code)) == 1
    assert run_print(str(tmp_path), unit=other_unit.code) == []
    with pytest.raises(CommandError, match="does not exist"):
        run_print(str(tmp_path), unit="NOPE")


def test_print_declarations_signs_with_sign(final, tmp_path, signing_key):
    ((path, digest),) = run_print(str(tmp_path), sign=True)
    final.refresh_from_db()
    assert final.status == DeclarationStatus.SIGNED
    assert path.endswith("-ttd.pdf") and digest == final.signed_sha256


def test_print_declarations_refuses_to_sign_without_a_key(final, tmp_path, no_signing_key):
    with pytest.raises(CommandError, match="Belum ada kunci tanda tangan"):
        run_print(str(tmp_path), sign=True)


def test_revoked_declarations_are_not_printed(final, tmp_path):
    from declarations import services

    services.declaration_revoke(declaration=final, reason="x", by=None)
    assert run_print(str(tmp_path)) == []


@pytest.fixture
def demo_units(db, catalogs):
    from units import demo as units_demo

    units_demo.seed(log=lambda line: None)


def test_a_fresh_demo_makes_a_trial_key_and_signs_both_declarations(demo_units, no_signing_key):
    lines = []
    assert demo.seed(log=lines.append)
    assert lines[0].startswith("Penandatanganan: kunci uji coba dibuat")
    assert lines[1] == "Pencanangan demo: 2 dibuat dan difinalkan, 2 ditandatangani."
    (key,) = SigningKey.objects.all()
    assert key.is_trial and key.is_default

    sorong = Declaration.objects.get(document_number=demo.SORONG_NUMBER)
    assert sorong.status == DeclarationStatus.SIGNED and sorong.signed_with_trial_key
    text = " ".join(pdf_text(stored_bytes(sorong.pdf)).split())
    assert "Sorong, Kamis, 10 Juni 2021" in text
    assert "Aula Samu Siret" in text
    assert "BPS KOTA SORONG" in text and "BADAN PUSAT STATISTIK" in text
    assert "Ombudsman Republik Indonesia Perwakilan Papua Barat" in text
    assert "Pemerintah Kota Sorong" in text

    polman = Declaration.objects.get(document_number=demo.POLMAN_NUMBER)
    assert polman.declaring_units.count() == 5 and polman.declarants.count() == 5
    text = " ".join(pdf_text(stored_bytes(polman.pdf)).split())
    assert "PERNYATAAN KESIAPAN" in text
    assert "Polewali, Rabu, 25 April 2018" in text
    assert "PEMERINTAH KABUPATEN POLEWALI MANDAR" in text
    assert "Dinas Pertanian Kabupaten Polewali Mandar" in text


def test_the_demo_is_idempotent(demo_units, no_signing_key):
    demo.seed(log=lambda line: None)
    lines = []
    assert not demo.seed(log=lines.append)
    assert lines == ["Pencanangan demo: sudah ada, tidak diubah."]
    assert Declaration.objects.count() == 2
    assert SigningKey.objects.count() == 1
    assert set(Declaration.objects.values_list("status", flat=True)) == {DeclarationStatus.SIGNED}


def test_the_demo_leaves_them_final_when_no_key_may_sign(demo_units, signing_key):
    from declarations import keys

    keys.signing_key_retire(key=signing_key, by=None)
    lines = []
    assert demo.seed(log=lines.append)
    assert lines == [
        "Pencanangan demo: 2 dibuat dan difinalkan, belum ditandatangani (kunci penandatanganan belum dipasang)."
    ]
    assert set(Declaration.objects.values_list("status", flat=True)) == {DeclarationStatus.FINAL}


def test_the_demo_waits_for_the_catalogs(db, monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(demo, "Framework", SimpleNamespace(objects=SimpleNamespace(all=list)))
    lines = []
    assert not demo.seed(log=lines.append)
    assert "load_catalogs" in lines[0]


def test_drafts_in_a_subtree_are_not_printed_by_the_command(headed_unit, catalogs, tmp_path):
    DeclarationFactory(unit=headed_unit)
    assert run_print(str(tmp_path)) == []
