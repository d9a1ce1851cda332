"""Forms that keep work: a refused form comes back with the input as typed and the error
beside its field; the progress form takes a new upload; the evidence library shows which
questions each document supports and filters by area."""

from __future__ import annotations

import re

from django.urls import reverse

from change_areas import services
from change_areas.models import Area, Evidence, ProgressEntry, WorkPlanItem
from tests.change_areas.helpers import area_url, question, url
from tests.factories import EvidenceFactory, WorkPlanItemFactory
from tests.files import upload


def field_block(html: str, name: str) -> str:
    """The rendered field group of the form field `name` (its label, input and errors)."""
    match = re.search(
        rf'<div class="field[^"]*"[^>]*>(?:(?!<div class="field).)*?name="{name}".*?</div>',
        html,
        re.S,
    )
    assert match, name
    return match.group(0)


def test_a_bad_activity_date_keeps_the_input_with_the_error_beside_the_field(
    cycle, staff, client_for
):
    area = Area.objects.get(framework=cycle.framework, code="A.MP")
    response = client_for(staff).post(
        url("work_plan_item_create", cycle),
        {
            "area": area.pk,
            "title": "Sosialisasi pakta integritas",
            "description": "Untuk semua pegawai",
            "start_date": "2026-03-10",
            "due_date": "2026-02-01",
            "status": "direncanakan",
            "percent": "0",
            "next": area_url(cycle),
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Sosialisasi pakta integritas"' in html
    assert "Untuk semua pegawai" in html
    due = field_block(html, "due_date")
    assert "Tenggat harus sesudah tanggal mulai." in due and 'value="2026-02-01"' in due
    assert '<details class="add-item" open>' in html  # on the area page it was sent from
    assert not WorkPlanItem.objects.exists()


def test_a_bad_activity_sent_from_the_work_plan_comes_back_there(cycle, staff, client_for):
    response = client_for(staff).post(
        url("work_plan_item_create", cycle),
        {"title": "", "status": "direncanakan", "percent": "250", "next": url("work_plan", cycle)},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="tambah-kegiatan"' in html
    assert "Pastikan nilai ini lebih kecil dari atau sama dengan 100." in field_block(
        html, "percent"
    )


def test_a_bad_progress_entry_keeps_its_note(cycle, staff, client_for):
    item = WorkPlanItemFactory(cycle=cycle, title="Survei")
    response = client_for(staff).post(
        reverse("change_areas:progress_entry_add", kwargs={"pk": cycle.pk, "item_id": item.pk}),
        {"date": "2099-01-01", "percent": "40", "note": "Kuesioner disebar ke 40 responden"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Kuesioner disebar ke 40 responden" in html
    assert "tidak dapat dicatat untuk tanggal yang akan datang" in field_block(html, "date")
    assert '<details class="log-progress" open>' in html
    assert not ProgressEntry.objects.exists()


def test_progress_is_logged_with_a_new_upload(cycle, staff, client_for):
    item = WorkPlanItemFactory(cycle=cycle, title="Survei")

    response = client_for(staff).post(
        reverse("change_areas:progress_entry_add", kwargs={"pk": cycle.pk, "item_id": item.pk}),
        {
            "date": "2026-01-15",
            "percent": "40",
            "note": "Kuesioner disebar",
            "file": upload("kuesioner.pdf"),
            "file_title": "Kuesioner survei internal",
        },
    )

    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert entry.evidence.title == "Kuesioner survei internal"
    assert entry.evidence.unit == cycle.unit


def test_the_library_shows_what_each_document_supports_and_filters_by_area(
    cycle, staff, client_for
):
    sk = EvidenceFactory(unit=cycle.unit, title="SK Tim ZI")
    sop = EvidenceFactory(unit=cycle.unit, title="SOP Layanan")
    services.answer_evidence_set(
        cycle=cycle, question=question("A.MP.PMN.i.a"), evidence=sk, attach=True
    )
    services.answer_evidence_set(
        cycle=cycle, question=question("A.TL.PMN.i.a"), evidence=sop, attach=True
    )
    library = reverse("change_areas:evidence_library", kwargs={"code": cycle.unit.code})
    client = client_for(staff)

    everything = client.get(library).content.decode()
    mp_only = client.get(library + "?area=A.MP").content.decode()

    assert "A.MP.PMN.i.a · 2026" in everything and "A.TL.PMN.i.a · 2026" in everything
    assert "SK Tim ZI" in mp_only and "SOP Layanan" not in mp_only
    assert Evidence.objects.count() == 2
