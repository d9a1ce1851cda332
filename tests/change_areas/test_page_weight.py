"""What the area page and an answer save cost do not grow with the unit's library: evidence is
picked through a search the server answers (for a question, a work-plan progress entry and a
follow-up report alike), every page with a picker stays light, and saving one answer costs at
most 15 queries."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from change_areas import services
from change_areas.models import Area, Evidence, FollowUp, Layer, ProgressEntry
from tests.change_areas.helpers import (
    HTMX,
    accept_all,
    area_url,
    count_queries,
    fresh,
    save_url,
    url,
)
from tests.factories import (
    CycleFactory,
    EvidenceFactory,
    UnitFactory,
    WorkPlanItemFactory,
    grow_library,
)

PAGE_BUDGET = 150 * 1024  # bytes of HTML


def test_the_area_page_costs_the_same_with_a_library_of_one_and_of_five_hundred(
    unit, coordinator, client_for
):
    small_cycle = CycleFactory(unit=unit, filled=True)
    grow_library(unit, 1)
    client = client_for(coordinator)
    url = area_url(small_cycle)
    queries = count_queries(client, url)
    small = client.get(url).content

    grow_library(unit, 500)
    assert count_queries(client, url) == queries
    large = client.get(url).content
    assert len(large) == len(small) <= PAGE_BUDGET
    assert b"Notulen rapat evaluasi" not in large  # the library is searched, not sent
    assert (
        reverse(
            "change_areas:evidence_search",
            kwargs={"pk": small_cycle.pk, "question_code": "A.MP.PMN.i.a"},
        ).encode()
        in large
    )


# What a page may weigh more with 500 documents than with one (nothing of the library is
# sent; a few bytes can move with the ids and times the page shows).
SAME_SIZE = 2 * 1024


def assert_flat_in_the_library(client, path, unit, django_assert_num_queries) -> str:
    """The page at `path` costs the same queries with a library of 1 and of 500 documents,
    weighs the same within SAME_SIZE and at most PAGE_BUDGET, and sends none of it."""
    grow_library(unit, 1)
    queries = count_queries(client, path)
    small = client.get(path).content
    grow_library(unit, 500)  # its first document is the one already there
    assert Evidence.objects.filter(unit=unit).count() == 500
    with django_assert_num_queries(queries):
        large = client.get(path).content
    assert abs(len(large) - len(small)) <= SAME_SIZE
    assert len(large) <= PAGE_BUDGET
    html = large.decode()
    assert "Notulen rapat evaluasi" not in html and "SK Tim Kerja ZI" not in html
    assert '<select name="evidence"' not in html
    return html


def with_activities(cycle, count: int = 4) -> list:
    return [WorkPlanItemFactory(cycle=cycle, title=f"Kegiatan {n}") for n in range(count)]


def test_the_area_page_with_activities_costs_the_same_with_a_library_of_one_and_of_five_hundred(
    unit, coordinator, client_for, django_assert_num_queries
):
    cycle = CycleFactory(unit=unit, filled=True)
    items = with_activities(cycle)
    html = assert_flat_in_the_library(
        client_for(coordinator), area_url(cycle), unit, django_assert_num_queries
    )
    pick = reverse("change_areas:evidence_pick", kwargs={"pk": cycle.pk})
    for item in items:  # each progress form picks through the search
        assert f'id="p{item.pk}_evidence_q" name="q" form="p{item.pk}_evidence_search"' in html
        assert f'<form id="p{item.pk}_evidence_search" method="get" action="{pick}"' in html


def test_the_work_plan_page_costs_the_same_with_a_library_of_one_and_of_five_hundred(
    unit, coordinator, client_for, django_assert_num_queries
):
    cycle = CycleFactory(unit=unit)
    items = with_activities(cycle)
    html = assert_flat_in_the_library(
        client_for(coordinator), url("work_plan", cycle), unit, django_assert_num_queries
    )
    assert html.count('name="q" form="p') == len(items)


@pytest.fixture
def open_followups(submitted, tpi_reviewer):
    """Three recommendations of the TPI, final, waiting for the unit's follow-up."""
    areas = Area.objects.filter(framework=submitted.framework, component__isnull=False)
    items = [
        services.recommendation_add(
            cycle=submitted, layer=Layer.TPI, area=area, text=f"Rekomendasi {n}", by=tpi_reviewer
        )
        for n, area in enumerate(areas[:3])
    ]
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)
    return items


def test_the_followups_page_costs_the_same_with_a_library_of_one_and_of_five_hundred(
    open_followups, unit, staff, client_for, django_assert_num_queries
):
    cycle = open_followups[0].cycle
    html = assert_flat_in_the_library(
        client_for(staff), url("followups", cycle), unit, django_assert_num_queries
    )
    for item in open_followups:
        assert f'id="f{item.pk}_evidence_q" name="q" form="f{item.pk}_evidence_search"' in html


def pick_url(cycle, **query) -> str:
    return f"{reverse('change_areas:evidence_pick', kwargs={'pk': cycle.pk})}?{urlencode(query)}"


def test_the_picker_search_lists_matches_as_choices_of_the_form_field(
    unit, coordinator, client_for
):
    cycle = CycleFactory(unit=unit)
    grow_library(unit, 30)
    document = Evidence.objects.get(title="SK Tim Kerja ZI")
    client = client_for(coordinator)

    html = client.get(
        pick_url(cycle, untuk="p7_evidence", nama="evidence", q="tim kerja"), headers=HTMX
    ).content.decode()
    assert "<html" not in html and "Notulen" not in html
    assert f'<input type="radio" name="evidence" value="{document.pk}">' in html

    recent = client.get(pick_url(cycle, untuk="p7_evidence"), headers=HTMX).content.decode()
    assert recent.count('type="radio" name="evidence"') == 10
    assert "tambahkan kata pencarian" in recent


def test_without_javascript_the_picker_search_is_a_page_that_comes_back_with_the_pick(
    unit, coordinator, client_for
):
    cycle = CycleFactory(unit=unit)
    item = WorkPlanItemFactory(cycle=cycle)
    grow_library(unit, 3)
    document = Evidence.objects.get(title="SK Tim Kerja ZI")
    client = client_for(coordinator)
    field = f"p{item.pk}_evidence"
    back = f"{url('work_plan', cycle)}#kegiatan-{item.pk}"

    page = client.get(pick_url(cycle, untuk=field, kembali=back, q="tim")).content.decode()
    assert "<html" in page and "Pilih bukti dukung dari pustaka unit" in page
    chosen = f"{url('work_plan', cycle)}?untuk={field}&amp;bukti={document.pk}#kegiatan-{item.pk}"
    assert f'href="{chosen}"' in page
    assert f'href="{back}"' in page  # and the way back without a pick

    came_back = client.get(
        url("work_plan", cycle), {"untuk": field, "bukti": document.pk}
    ).content.decode()
    assert (
        f'<input type="radio" name="evidence" value="{document.pk}" checked>'
        f' <span class="evidence-title">SK Tim Kerja ZI</span>'
    ) in came_back
    assert came_back.count('<details class="log-progress" open>') == 1  # that form, opened


def test_the_picker_search_goes_back_only_to_pages_of_its_cycle(unit, coordinator, client_for):
    cycle = CycleFactory(unit=unit)
    grow_library(unit, 1)
    client = client_for(coordinator)
    page = client.get(
        pick_url(cycle, untuk="p1_evidence", kembali="https://example.com/siklus/")
    ).content.decode()
    assert 'href="https://example.com' not in page
    assert 'value="https://example.com' not in page
    assert f'href="{url("work_plan", cycle)}?untuk=p1_evidence&amp;bukti=' in page
    for field in ("", "1x", "p1 evidence", '"><script>', "p" * 61):
        assert client.get(pick_url(cycle, untuk=field)).status_code == 404
    assert client.get(pick_url(cycle, untuk="p1_evidence", nama="a b")).status_code == 404


def test_a_document_of_another_units_library_is_never_shown_as_picked(
    unit, other_unit, coordinator, client_for
):
    cycle = CycleFactory(unit=unit)
    item = WorkPlanItemFactory(cycle=cycle)
    theirs = EvidenceFactory(unit=other_unit, title="Dokumen rahasia unit lain")
    page = client_for(coordinator).get(
        url("work_plan", cycle), {"untuk": f"p{item.pk}_evidence", "bukti": theirs.pk}
    )
    assert page.status_code == 200
    assert "Dokumen rahasia unit lain" not in page.content.decode()


def test_a_progress_entry_refuses_a_document_of_another_units_library(
    unit, other_unit, coordinator, client_for
):
    cycle = CycleFactory(unit=unit)
    item = WorkPlanItemFactory(cycle=cycle)
    theirs = EvidenceFactory(unit=other_unit, title="Dokumen unit lain")
    response = client_for(coordinator).post(
        reverse("change_areas:progress_entry_add", kwargs={"pk": cycle.pk, "item_id": item.pk}),
        {"date": "2026-01-15", "percent": 40, "note": "Separuh jalan", "evidence": theirs.pk},
    )
    assert response.status_code == 400
    assert "Bukti dukung tidak ditemukan di pustaka unit." in response.content.decode()
    assert not ProgressEntry.objects.filter(item=item).exists()
    html = response.content.decode()
    assert "Dokumen unit lain" not in html
    # The page drawn at the post's address sends its forms and searches back to the work
    # plan, not to that address (which answers POST only).
    work_plan = url("work_plan", cycle)
    assert f'name="kembali" value="{work_plan}#kegiatan-{item.pk}"' in html
    assert f'name="next" value="{work_plan}"' in html and "kemajuan/#" not in html


def test_a_progress_entry_keeps_a_document_picked_from_the_units_library(
    unit, coordinator, client_for
):
    cycle = CycleFactory(unit=unit)
    item = WorkPlanItemFactory(cycle=cycle)
    grow_library(unit, 3)
    document = Evidence.objects.get(title="SK Tim Kerja ZI")
    response = client_for(coordinator).post(
        reverse("change_areas:progress_entry_add", kwargs={"pk": cycle.pk, "item_id": item.pk}),
        {"date": "2026-01-15", "percent": 40, "note": "Separuh jalan", "evidence": document.pk},
    )
    assert response.status_code == 302
    assert ProgressEntry.objects.get(item=item).evidence == document


def test_a_follow_up_refuses_a_document_of_another_units_library(
    open_followups, other_unit, staff, client_for
):
    item = open_followups[0]
    theirs = EvidenceFactory(unit=other_unit, title="Dokumen unit lain")
    report = reverse(
        "change_areas:follow_up_report",
        kwargs={"pk": item.cycle_id, "layer": item.layer, "rec_id": item.pk},
    )
    response = client_for(staff).post(
        report, {"note": "Sudah kami kerjakan", "evidence": theirs.pk}, follow=True
    )
    assert "Bukti dukung tidak ditemukan di pustaka unit." in response.content.decode()
    assert not FollowUp.objects.filter(recommendation=item).exists()
    assert fresh(item.cycle).pk == item.cycle_id


def search_url(cycle, code: str = "A.MP.PMN.i.a", words: str = "") -> str:
    url = reverse("change_areas:evidence_search", kwargs={"pk": cycle.pk, "question_code": code})
    return f"{url}?q={words}" if words else url


def test_the_library_search_lists_matching_documents_with_an_attach_button(
    unit, coordinator, client_for, django_assert_max_num_queries
):
    cycle = CycleFactory(unit=unit)
    grow_library(unit, 30)
    client = client_for(coordinator)

    response = client.get(search_url(cycle, words="tim kerja"), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "SK Tim Kerja ZI" in html and "Notulen" not in html
    assert 'name="action" value="attach"' in html

    recent = client.get(search_url(cycle), headers=HTMX).content.decode()
    assert recent.count('value="attach"') == 10  # the newest ten, and a hint to narrow
    assert "tambahkan kata pencarian" in recent

    page = client.get(search_url(cycle, words="tidak ada")).content.decode()
    assert "<html" in page and "Tidak ada dokumen" in page  # without JavaScript: a page
    assert "Kembali ke pertanyaan" in page


def test_the_library_search_is_for_people_who_may_attach(unit, viewer, client_for):
    cycle = CycleFactory(unit=unit)
    assert client_for(viewer).get(search_url(cycle)).status_code == 403


def test_attaching_a_document_found_by_the_search_puts_it_on_the_answer(
    unit, coordinator, client_for
):
    cycle = CycleFactory(unit=unit)
    grow_library(unit, 3)
    document = Evidence.objects.get(title="SK Tim Kerja ZI")
    client = client_for(coordinator)
    response = client.post(
        reverse(
            "change_areas:answer_evidence",
            kwargs={"pk": cycle.pk, "question_code": "A.MP.PMN.i.a"},
        ),
        {"action": "attach", "evidence": document.pk},
        headers=HTMX,
    )
    assert response.status_code == 200 and "SK Tim Kerja ZI" in response.content.decode()
    assert document.answers.filter(cycle=cycle, layer=Layer.SELF).exists()
    # The search then says what the document supports, as the library does (issue 15).
    found = client.get(search_url(cycle, words="tim kerja"), headers=HTMX).content.decode()
    assert f"A.MP.PMN.i.a · {cycle.year}" in found
    assert (
        "belum dipakai"
        in client.get(search_url(cycle, words="notulen"), headers=HTMX).content.decode()
    )


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.mark.parametrize(("library", "units"), [(1, 1), (500, 40)])
def test_saving_an_answer_costs_at_most_15_queries(
    library, units, unit, province, coordinator, client_for
):
    """Statements the request sends, without transaction control (BEGIN, COMMIT and the
    savepoints of the test's own transaction), whatever the library and the tree above."""
    for number in range(units - 1):
        CycleFactory(unit=UnitFactory(code=f"SIBLING-{number}", parent=province))
    cycle = CycleFactory(unit=unit, filled=True)
    grow_library(unit, library)
    client = client_for(coordinator)
    url = save_url(cycle, "A.MP.PMN.i.b")
    client.post(url, {"option": "B", "version": "1"}, headers=HTMX)  # settles the session
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"option": "C", "version": "2"}, headers=HTMX)
    statements = [
        query["sql"] for query in captured if not query["sql"].startswith(TRANSACTION_CONTROL)
    ]
    assert len(statements) == 15, "\n".join(statements)
    html = response.content.decode()
    assert "Tersimpan." in html
    assert fresh(cycle).summary(Layer.SELF)["total"] < 100
    # The figures the answer moves still come out of band (issue 15), from the saved cycle.
    assert 'id="area-summary-amp" hx-swap-oob="true"' in html
    assert 'id="ind-A-MP-PMN-i" hx-swap-oob="true"' in html
    assert 'id="part-A-MP-PMN" hx-swap-oob="true"' in html
