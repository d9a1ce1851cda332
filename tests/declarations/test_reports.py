"""The Laporan Hasil Evaluasi (LHE) fit to sign: on the letterhead of the reviewing team's unit
(the inspectorate), numbered, addressed to the head of the evaluated unit, with scores per
component and area, the verdict rule by rule, the recommendations per area and the TPI
lead's signature block; PAdES-signed and verifiable by QR like a declaration. The TPN's
report likewise."""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from change_areas import services
from change_areas.models import Area, Decision, Layer
from declarations import keys, reports
from declarations.models import EvaluationReport
from declarations.verification import Verdict, verify
from tests.change_areas.helpers import accept_all, meet_prerequisites, propose, question, sptjm_of
from tests.factories import CycleFactory, MembershipFactory, UnitFactory, UserFactory, member
from tests.files import stored_bytes
from tests.pdfs import pdf_text, weasyprint_work
from units import services as unit_services
from units.models import Role


@pytest.fixture
def inspectorate(root_unit):
    return UnitFactory(
        code="KL-IU",
        name="Inspektorat Utama Kementerian Contoh",
        parent=root_unit,
        address="Jl. Merdeka Barat 1, Jakarta",
    )


@pytest.fixture
def lead(root_unit):
    """The TPI lead: a TPI reviewer on the instansi, with a NIP."""
    person = UserFactory(
        username="ketua-tpi",
        full_name="Bambang Hartono, Ak., M.Ak.",
        nip="197602282000121001",
        position="Auditor Madya",
    )
    MembershipFactory(unit=root_unit, role=Role.TPI_REVIEWER, user=person)
    return person


@pytest.fixture
def final_cycle(unit, coordinator, lead):
    """UNIT's cycle submitted; the TPI scored one question down, recommended, finalised."""
    unit_services.unit_update(
        unit=unit, head_name="Siti Nurhaliza, S.ST.", head_position="Kepala Satker Contoh"
    )
    cycle = CycleFactory(unit=unit, filled=True)
    services.cycle_submit(cycle=cycle, by=coordinator)
    services.answer_save(
        cycle=cycle, question=question("A.MP.PMN.i.a"), layer=Layer.TPI, option="Tidak", by=lead
    )
    services.recommendation_add(
        cycle=cycle,
        layer=Layer.TPI,
        area=Area.objects.get(framework=cycle.framework, code="A.MP"),
        text="Tetapkan SK tim kerja Zona Integritas.",
        due_date=datetime.date(2026, 9, 30),
        by=lead,
    )
    accept_all(cycle, Layer.TPI, lead)
    services.cycle_finalise_tpi(cycle=cycle, by=lead)
    return cycle


def issue(cycle, by, issuer, **extra):
    return reports.report_issue(
        cycle=cycle,
        layer=Layer.TPI,
        by=by,
        number=extra.pop("number", "LHE-07/IU/TPI/2026"),
        issued_on=datetime.date(2026, 6, 2),
        place="Jakarta",
        issuer=issuer,
        **extra,
    )


def test_the_lhe_is_fit_to_sign(final_cycle, lead, inspectorate, signing_key, tmp_path):
    report = issue(final_cycle, lead, inspectorate)

    assert report.is_signed and report.issuer == inspectorate
    text = " ".join(pdf_text(stored_bytes(report.signed_pdf)).split())
    assert "INSPEKTORAT UTAMA KEMENTERIAN CONTOH" in text.upper()
    assert "Jl. Merdeka Barat 1, Jakarta" in text
    assert "Nomor: LHE-07/IU/TPI/2026" in text
    assert "Yth. Kepala Satker Contoh Siti Nurhaliza, S.ST." in text
    assert "Pembangunan Zona Integritas Menuju WBK".upper() in text.upper()
    assert "menuju Menuju" not in text
    assert "Manajemen Perubahan 8,00 8,00 7,75 −0,25" in text
    assert "Pengungkit 60,00" in text
    assert "100,00 99,75 −0,25" in text
    assert "terpenuhi" in text and "Nilai total" in text
    assert "Tetapkan SK tim kerja Zona Integritas." in text
    assert "Jakarta, Selasa, 2 Juni 2026 Ketua Tim Penilai Internal" in text
    assert "Bambang Hartono, Ak., M.Ak." in text and "NIP 197602282000121001" in text
    assert "Ditandatangani secara elektronik" in text and "Tahun : 2026" in text
    path = tmp_path / "lhe.pdf"
    path.write_bytes(stored_bytes(report.signed_pdf))
    checked = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature Validation: Signature is Valid." in checked.stdout + checked.stderr
    assert verify(report, stored_bytes(report.signed_pdf)).verdict == Verdict.ISSUED_SIGNED


def test_issuing_and_signing_the_lhe_lay_it_out_once(final_cycle, lead, inspectorate, signing_key):
    """Each page once; the letterhead, the signature space and the footer have set sizes, so
    no words are laid out a second time only to measure a box."""
    with weasyprint_work() as work:
        report = issue(final_cycle, lead, inspectorate)

    assert report.is_signed
    pages = len(PdfReader(io.BytesIO(stored_bytes(report.signed_pdf))).pages)
    assert work == {"documents": 1, "pages": pages}


def test_the_lhe_waits_for_the_tpi_to_finalise(unit, coordinator, lead, inspectorate):
    cycle = CycleFactory(unit=unit, filled=True)
    services.cycle_submit(cycle=cycle, by=coordinator)

    with pytest.raises(ValidationError, match="setelah penilaian"):
        issue(cycle, lead, inspectorate)

    assert not EvaluationReport.objects.exists()


def test_the_letterhead_is_one_the_lead_may_use(final_cycle, lead, other_unit):
    with pytest.raises(ValidationError):
        issue(final_cycle, lead, other_unit)


def test_the_inspectorate_is_offered_first_once_used(final_cycle, lead, inspectorate, root_unit):
    first = reports.issuer_choices(final_cycle, lead)
    issue(final_cycle, lead, inspectorate)

    assert {root_unit, inspectorate} <= set(first)
    assert reports.issuer_choices(final_cycle, lead)[0] == inspectorate


def test_without_a_key_it_is_issued_unsigned_and_signed_later_with_the_issuers_key(
    final_cycle, lead, inspectorate, no_signing_key, pkcs12_file
):

    report = issue(final_cycle, lead, inspectorate)
    assert not report.is_signed
    assert "Ditandatangani secara elektronik" not in pdf_text(stored_bytes(report.pdf))
    assert verify(report, stored_bytes(report.pdf)).verdict == Verdict.ISSUED_UNSIGNED

    # The inspectorate's own certificate, assigned to it: the LHE on its letterhead signs with it.
    data, password = pkcs12_file
    key = keys.signing_key_upload(
        name="Sertifikat Inspektorat", pkcs12=data, passphrase=password, owner=inspectorate, by=None
    )
    keys.signing_key_assign(key=key, unit=inspectorate, by=None)
    reports.report_sign(report=report, by=lead)

    signed = EvaluationReport.objects.get(pk=report.pk)
    assert signed.is_signed
    assert key.uses.get().document == f"LHE {report.number}"


def test_issuing_again_supersedes_the_earlier_report(final_cycle, lead, inspectorate, signing_key):
    first = issue(final_cycle, lead, inspectorate)
    second = issue(final_cycle, lead, inspectorate, number="LHE-08/IU/TPI/2026")

    assert EvaluationReport.objects.get(pk=first.pk).superseded_by == second
    with pytest.raises(ValidationError):
        issue(final_cycle, lead, inspectorate, number="LHE-08/IU/TPI/2026")


def test_the_tpn_report_likewise(final_cycle, lead, signing_key, root_unit, tpn_reviewer):
    admin = member(root_unit, Role.UNIT_ADMIN, "admin-instansi")
    meet_prerequisites(final_cycle)
    propose(final_cycle, instansi=root_unit, sptjm=sptjm_of(root_unit), by=admin)
    services.cycle_decide(
        cycle=final_cycle,
        decision=Decision.AWARDED,
        decree_number="KEP/1/2026",
        decree_date=datetime.date(2026, 10, 1),
        by=tpn_reviewer,
    )

    report = reports.report_issue(
        cycle=final_cycle,
        layer=Layer.TPN,
        by=tpn_reviewer,
        number="LHE-TPN/001/2026",
        issued_on=datetime.date(2026, 10, 2),
        place="Jakarta",
        issuer_name="Tim Penilai Nasional Kementerian PANRB",
    )

    text = " ".join(pdf_text(stored_bytes(report.signed_pdf)).split())
    assert report.is_signed
    assert "TIM PENILAI NASIONAL KEMENTERIAN PANRB" in text.upper()
    assert "Ketua Tim Penilai Nasional" in text


def test_the_pages_issue_list_download_and_verify(
    final_cycle, lead, inspectorate, staff, outsider, signing_key, client_for
):
    page = reverse("declarations:reports", kwargs={"pk": final_cycle.pk, "layer": "tpi"})
    client = client_for(lead)

    form = client.get(page).content.decode()
    issued = client.post(
        reverse("declarations:report_issue", kwargs={"pk": final_cycle.pk, "layer": "tpi"}),
        {
            "number": "LHE-09/IU/TPI/2026",
            "issued_on": "2026-06-02",
            "place": "Jakarta",
            "issuer": inspectorate.pk,
            "signer_position": "Ketua Tim Penilai Internal",
        },
    )
    report = EvaluationReport.objects.get()
    listed = client_for(staff).get(page).content.decode()
    download = client_for(staff).get(
        reverse(
            "declarations:report_download",
            kwargs={"pk": final_cycle.pk, "layer": "tpi", "report_id": report.pk},
        )
    )
    public = client_for(None).get(report.get_verification_path()).content.decode()

    assert f"LHE-01/TPI/{final_cycle.unit.code}/2026" in form and inspectorate.name in form
    assert issued.status_code == 302
    assert "LHE-09/IU/TPI/2026" in listed and "ditandatangani secara elektronik" in listed
    assert b"".join(download.streaming_content) == stored_bytes(report.signed_pdf)
    assert "LHE-09/IU/TPI/2026" in public and "BERLAKU" in public
    assert client_for(outsider).get(page).status_code == 404


def test_a_bad_issue_form_keeps_the_input_and_says_why(final_cycle, lead, client_for):
    response = client_for(lead).post(
        reverse("declarations:report_issue", kwargs={"pk": final_cycle.pk, "layer": "tpi"}),
        {
            "number": "LHE-10",
            "issued_on": "bukan tanggal",
            "place": "Jakarta",
            "signer_position": "Ketua",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="LHE-10"' in html and 'value="bukan tanggal"' in html
    assert not EvaluationReport.objects.exists()
