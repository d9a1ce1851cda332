"""Any word wraps in every PDF: 250-character words in names, positions, places and texts
stay on the paper (`overflow-wrap: anywhere` in the PDF styles), glyph by glyph."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from change_areas import scoring
from change_areas import services as change_services
from change_areas.models import Area, Layer
from declarations import reports
from declarations import services as declaration_services
from lib.files import read_stored
from service_standards import services as standard_services
from tests.change_areas.helpers import accept_all, question
from tests.factories import (
    CycleFactory,
    DeclarantFactory,
    DeclarationFactory,
    StandardVersionFactory,
    UnitFactory,
    WitnessFactory,
    member,
)
from tests.pdfs import glyphs_off_the_page, pdf_text
from units import services as unit_services
from units.models import Role, Unit
from zi_tracker.models import ExportJob

WORD = "Pemberdayaanaparaturnegara" * 10  # 260 characters without a break


def long(length: int = 250) -> str:
    """A word of `length` characters (250, or as long as the field takes) without a break."""
    return WORD[:length]


@pytest.fixture
def long_unit(db):
    root = UnitFactory(code="PANJANG", name=long())
    return unit_services.unit_update(
        unit=UnitFactory(code="PANJANG-1", name=long(), parent=root),
        head_name=long(200),
        head_position=long(200),
        address=long(),
        regency=long(100),
    )


def assert_on_the_paper(content: bytes) -> None:
    assert content.startswith(b"%PDF")
    assert WORD[:40] in pdf_text(content).replace("\n", "")  # the long words were drawn
    off = glyphs_off_the_page(content)
    assert off == [], f"{len(off)} glyphs off the page, first: {off[:5]}"


def test_a_declaration_with_long_names_stays_on_the_paper(long_unit, catalogs):
    declaration = DeclarationFactory(unit=long_unit, venue=long(200), city=long(100), title=long())
    DeclarantFactory(declaration=declaration, unit=long_unit, name=long(200), position=long())
    for _witness in range(3):
        WitnessFactory(
            declaration=declaration,
            name=long(200),
            position=long(),
            institution=long(),
        )

    final = declaration_services.declaration_finalise(declaration=declaration, by=None)

    with final.pdf.open("rb") as stored:
        assert_on_the_paper(stored.read())


def test_a_standard_and_its_maklumat_with_long_words_stay_on_the_paper(long_unit, client_for):
    coordinator = member(long_unit, Role.COORDINATOR)
    version = StandardVersionFactory(
        service__unit=long_unit,
        service__name=long(200),
        published=True,
        requirements=[long(), "KTP"],
        procedure=[long(), "Selesai"],
    )
    draft = standard_services.maklumat_save_draft(unit=long_unit, by=None, text=long())
    standard_services.maklumat_sign(
        maklumat=draft,
        by=None,
        signed_on=datetime.date(2026, 1, 2),
        signed_place=long(100),
        signer_name=long(200),
        signer_nip="",
    )
    client = client_for(coordinator)
    code = long_unit.code

    for url in (
        reverse("service_standards:version_pdf", kwargs={"code": code, "version_id": version.pk}),
        reverse("service_standards:public_maklumat_pdf", kwargs={"code": code}),
        reverse("service_standards:public_poster_pdf", kwargs={"code": code}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_on_the_paper(response.content)


def test_the_recap_and_the_dashboards_with_long_names_stay_on_the_paper(long_unit, client_for):
    cycle = CycleFactory(unit=long_unit, filled=True)
    change_services.answers_save_many(
        cycle=cycle,
        layer=Layer.SELF,
        answers={"A.MP.PMN.i.a": (scoring.AnswerData(option="Ya"), long())},
    )
    client = client_for(member(Unit.objects.get(code="PANJANG"), Role.UNIT_ADMIN))

    for url in (
        reverse("change_areas:scorecard_pdf", kwargs={"pk": cycle.pk}),
        reverse("dashboards:unit_pdf", kwargs={"code": long_unit.code}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_on_the_paper(response.content)
    # The portfolio's PDF is made by the task worker (at once in tests) and kept on its job.
    client.post(reverse("dashboards:portfolio_pdf", kwargs={"code": "PANJANG"}))
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    assert_on_the_paper(read_stored(job.file))


def test_an_evaluation_report_with_long_words_stays_on_the_paper(long_unit):
    root = Unit.objects.get(code="PANJANG")
    lead = member(root, Role.TPI_REVIEWER)
    cycle = CycleFactory(unit=long_unit, filled=True)
    change_services.cycle_submit(cycle=cycle, by=member(long_unit, Role.COORDINATOR))
    change_services.answer_save(
        cycle=cycle,
        question=question("A.MP.PMN.i.a"),
        layer=Layer.TPI,
        option="Tidak",
        note=long(),
        by=lead,
    )
    change_services.recommendation_add(
        cycle=cycle,
        layer=Layer.TPI,
        area=Area.objects.get(framework=cycle.framework, code="A.MP"),
        text=long(),
        by=lead,
    )
    accept_all(cycle, Layer.TPI, lead)
    change_services.cycle_finalise_tpi(cycle=cycle, by=lead)

    report = reports.report_issue(
        cycle=cycle,
        layer=Layer.TPI,
        by=lead,
        number="LHE-1/TPI/2026",
        issued_on=datetime.date(2026, 6, 2),
        place=long(100),
        issuer=UnitFactory(code="PANJANG-IU", name=long(), address=long(), parent=root),
        signer_position=long(200),
    )

    with report.pdf.open("rb") as stored:
        assert_on_the_paper(stored.read())
