"""The demo: Sorong's six services with published standards, its maklumat, two SKM periods."""

import io

from django.core.management import call_command

from service_standards import demo
from service_standards.models import Consultation, Maklumat, SatisfactionSurvey, Service
from units import demo as units_demo


def test_seed_demo_builds_real_public_pages_and_is_idempotent(db, client):
    units_demo.seed(log=lambda line: None)
    lines: list[str] = []
    assert demo.seed(log=lines.append) is True
    assert lines == ["Standar pelayanan demo: dibuat."]

    sorong = Service.objects.filter(unit__code="BPS-9171")
    assert sorong.count() == 6
    assert all(service.versions.published().count() == 1 for service in sorong)
    assert Consultation.objects.filter(unit__code="BPS-9171").get().minutes
    assert Maklumat.objects.get(unit__code="BPS-9171", status="signed").signer_name.startswith(
        "Siti"
    )
    grades = dict(
        SatisfactionSurvey.objects.filter(unit__code="BPS-9171", status="published").values_list(
            "period_number", "grade"
        )
    )
    assert grades == {1: "B", 2: "A"}
    medan = Service.objects.get(unit__code="BPS-1275")
    assert medan.versions.published().get().consultation is not None

    content = client.get("/layanan/BPS-9171/").content.decode()
    assert "Konsultasi Statistik Daring" in content and "Rekomendasi Kegiatan Statistik" in content
    assert demo.LIBRARY_DRAFT_ITEM not in content
    index = client.get("/layanan/").content.decode()
    assert "BPS Kota Sorong" in index and "BPS Kota Medan" in index

    counts = (Service.objects.count(), SatisfactionSurvey.objects.count())
    assert demo.seed(log=lines.append) is False
    assert lines[-1] == "Standar pelayanan demo: sudah ada, tidak diubah."
    assert (Service.objects.count(), SatisfactionSurvey.objects.count()) == counts


def test_seed_demo_command_runs_every_apps_demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert Service.objects.filter(unit__code="BPS-9171").count() == 6
