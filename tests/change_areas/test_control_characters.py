"""A NUL or another control character typed anywhere is dropped where it enters — the query
string, a plain form post, an htmx post, a cookie, a header, a file name, a URL — so it is
never a PostgreSQL error (a 500), never stored, and never in a spreadsheet or a PDF; and an
id that names nothing is a message, not a database error.
(Spreadsheet cells: tests/lib/test_imports.py and test_lke_import_safety.py.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from change_areas.models import Answer, Comment, Evidence, Layer, QuestionReview
from tests.change_areas.helpers import HTMX, RETURNED, answer_of, comment_url, mark_url, save_url
from tests.files import upload

NUL = "\x00"


@pytest.mark.parametrize(
    "url",
    ["/layanan/?q=%00", "/layanan/?q=a%00b%07&halaman=%00", "/predikat/?tahun=%00&q=%1b"],
)
def test_a_nul_in_a_public_query_string_is_a_page_not_an_error(db, url):
    response = Client().get(url)

    assert response.status_code == 200


def test_a_nul_in_the_evidence_search_is_searched_without_it(unit, staff, client_for):
    response = client_for(staff).get(
        reverse("change_areas:evidence_library", kwargs={"code": unit.code}) + "?q=SK%00%01"
    )

    assert response.status_code == 200
    assert 'value="SK"' in response.content.decode()


def test_a_nul_in_the_declaration_filter_is_a_page(unit_admin, client_for):
    response = client_for(unit_admin).get(reverse("declarations:list") + "?unit=%00&jenis=%00")

    assert response.status_code == 200


def test_a_note_posted_with_control_characters_is_stored_without_them(cycle, staff, client_for):
    response = client_for(staff).post(
        save_url(cycle, "A.MP.PMN.i.a"),
        {"option": "Ya", "note": f"SK{NUL} tim\x1b ada\x7f\ttertanggal\r\n2026", "version": "0"},
    )

    assert response.status_code == 302
    assert Answer.objects.get(cycle=cycle).note == "SK tim ada\ttertanggal\r\n2026"


def test_an_htmx_comment_with_a_nul_is_stored_without_it(submitted, staff, client_for):
    response = client_for(staff).post(
        comment_url(submitted), {"body": f"Sudah{NUL} diunggah"}, headers=HTMX
    )

    assert response.status_code == 200
    assert Comment.objects.get(cycle=submitted).body == "Sudah diunggah"


def test_a_review_reason_with_a_nul_is_stored_without_it(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).post(
        mark_url(submitted),
        {"status": "perlu_perbaikan", "reason": f"Lampirkan{NUL} SK"},
        headers=HTMX,
    )

    assert response.status_code == 200
    review = QuestionReview.objects.get(cycle=submitted, layer=Layer.TPI, question__code=RETURNED)
    assert review.reason == "Lampirkan SK"
    assert answer_of(submitted, RETURNED, Layer.TPI)


def test_a_field_name_with_a_nul_is_cleaned_too(cycle, staff, client_for):
    response = client_for(staff).post(
        save_url(cycle, "A.MP.PMN.i.a"), {"opt\x00ion": "Ya", "version": "0"}
    )

    assert response.status_code == 302
    assert Answer.objects.get(cycle=cycle).option == "Ya"


def test_an_uploaded_file_name_with_control_characters_is_cleaned(unit, staff, client_for):
    client_for(staff).post(
        reverse("change_areas:evidence_library", kwargs={"code": unit.code}),
        {"file": upload("SK\x00\x1b tim.pdf"), "title": "", "document_type": "sk"},
    )

    evidence = Evidence.objects.get(unit=unit)
    assert evidence.title == "SK tim"
    assert NUL not in evidence.original_name


def test_a_path_with_a_control_character_is_not_found(cycle, staff, client_for):
    response = client_for(staff).get(f"/siklus/{cycle.pk}/area/A.MP%00/")

    assert response.status_code == 404


def test_a_session_cookie_with_a_nul_is_an_anonymous_visit(db):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijk"

    response = client.get(reverse("declarations:list"))  # a page for people signed in

    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_a_failed_sign_in_with_a_nul_in_the_name_and_user_agent_is_refused_politely(db):
    response = Client(headers={"user-agent": "Mozilla\x00/5.0"}).post(
        reverse("login"), {"username": "budi\x00", "password": "salah"}
    )

    assert response.status_code == 200
    assert "kata sandi salah" in response.content.decode()


@pytest.mark.parametrize("posted", [" ", "abc", "١", "1.5", "9" * 5000])
def test_an_id_that_names_nothing_is_a_message_not_an_error(cycle, staff, client_for, posted):
    # found by the fuzz run: `pk=" "` reached the database as a ValueError (a 500)
    response = client_for(staff).post(
        reverse(
            "change_areas:answer_evidence", kwargs={"pk": cycle.pk, "question_code": "A.MP.PMN.i.a"}
        ),
        {"action": "attach", "evidence": posted},
    )

    assert response.status_code == 302
    assert not Answer.objects.filter(cycle=cycle).exists()
