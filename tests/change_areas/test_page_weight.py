"""What the area page and an answer save cost do not grow with the unit's library: evidence is
picked through a search the server answers, the page stays light, and saving one answer
costs at most 15 queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from change_areas.models import Evidence, Layer
from tests.change_areas.helpers import HTMX, area_url, count_queries, fresh, save_url
from tests.factories import CycleFactory, EvidenceFactory, UnitFactory

PAGE_BUDGET = 150 * 1024  # bytes of HTML


def grow_library(unit, size: int) -> None:
    """`size` more documents in the unit's library (rows sharing one stored file)."""
    first = EvidenceFactory(unit=unit, title="SK Tim Kerja ZI")
    Evidence.objects.bulk_create(
        [
            Evidence(
                unit=unit,
                title=f"Notulen rapat evaluasi {number}",
                description="rapat bulanan",
                blob=first.blob,
                original_name="notulen.pdf",
            )
            for number in range(size - 1)
        ]
    )


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
