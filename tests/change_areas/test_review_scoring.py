"""The review page: the unit's answers beside the reviewer's, who may open it and when,
saving the reviewer's answers with htmx or a plain form, two reviewers on one answer,
and its cost in queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from change_areas import services
from change_areas.models import Answer, Cycle, Layer, Stage
from tests.change_areas.helpers import (
    HTMX,
    QUESTION_COUNT,
    REASON,
    RETURNED,
    TPI_NOTE,
    answer_of,
    count_queries,
    force_stage,
    mark,
    mark_url,
    question,
    review_save_url,
    review_url,
    save_url,
)
from tests.clock import on
from tests.factories import AnswerFactory, CycleFactory, EvidenceFactory


def tpi_version(cycle: Cycle, code: str = RETURNED) -> str:
    return str(answer_of(cycle, code, Layer.TPI).version)


# --------------------------------------------------------------------------
# Scoring beside the unit


def test_the_review_page_shows_the_units_answer_beside_the_tpi_answer_and_the_marks(
    submitted, tpi_reviewer, client_for
):
    AnswerFactory(
        cycle=submitted,
        code=RETURNED,
        layer=Layer.TPI,
        option="Tidak",
        note=TPI_NOTE,
        by=tpi_reviewer,
    )
    mark(submitted, RETURNED, tpi_reviewer)

    response = client_for(tpi_reviewer).get(review_url(submitted))

    html = response.content.decode()
    assert response.status_code == 200
    block = re.search(r'id="q-A-MP-PMN-i-a"(.*?)id="q-A-MP-PMN-i-b"', html, re.S).group(1)
    unit_side = block.split('class="side reviewer-side"')[0]
    assert "<strong>Ya</strong>" in unit_side
    assert 'value="Tidak" checked' in block
    assert TPI_NOTE in block
    assert REASON in block
    assert "Perlu perbaikan" in block
    assert reverse("change_areas:review_answer_save", args=[submitted.pk, "tpi", RETURNED]) in block
    assert mark_url(submitted) in block
    summary = re.search(r'id="review-summary-amp"(.*?)</div>\s*</div>', html, re.S).group(1)
    assert "8,00" in summary and "7,75" in summary and "−0,25" in summary
    assert (
        "1 ditandai perlu perbaikan (belum dikirim), 0 dikembalikan ke unit, 0 diperbaiki unit, "
        f"0 diajukan ulang tanpa perubahan, {QUESTION_COUNT - 1} belum ditinjau" in html
    )


def test_the_review_page_of_hasil_lists_the_survey_items(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).get(review_url(submitted, "hasil"))

    html = response.content.decode()
    assert response.status_code == 200
    for code in ("B.BBA.a.1", "B.BBA.b.1", "B.PPP.a.1"):
        assert f'id="q-{code.replace(".", "-")}"' in html


def test_a_closed_review_window_is_explained_and_offers_no_forms(
    submitted, tpi_reviewer, client_for
):
    Cycle.objects.filter(pk=submitted.pk).update(
        review_opens=datetime.date(2026, 1, 5), review_closes=datetime.date(2026, 2, 27)
    )

    with on(datetime.date(2026, 3, 2)):
        response = client_for(tpi_reviewer).get(review_url(submitted))

    html = response.content.decode()
    assert "Penilaian TPI ditutup sejak Jumat, 27 Februari 2026." in html
    assert review_save_url(submitted) not in html
    assert mark_url(submitted) not in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("tpi_reviewer", 200),
        ("superuser", 200),
        ("staff", 403),
        ("coordinator", 403),
        ("tpn_reviewer", 403),
        ("outsider", 404),
        ("foreign_tpi_reviewer", 404),
    ],
)
def test_who_may_open_the_tpi_review_page(submitted, client_for, request, role, status):
    response = client_for(request.getfixturevalue(role)).get(review_url(submitted))

    assert response.status_code == status


def test_the_self_layer_has_no_review_page(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).get(review_url(submitted, layer="self"))

    assert response.status_code == 404


def test_the_review_page_costs_the_same_queries_with_1_and_with_all_answers(
    unit, coordinator, tpi_reviewer, staff, client_for, django_assert_num_queries
):
    small = CycleFactory(unit=unit, year=2025)
    AnswerFactory(cycle=small, code=RETURNED, option="Ya")
    small = force_stage(small, Stage.EVALUASI_TPI)
    AnswerFactory(cycle=small, code=RETURNED, layer=Layer.TPI, option="Tidak", note="x")
    mark(small, RETURNED, tpi_reviewer)
    services.comment_add(cycle=small, question=question(RETURNED), body="Satu", by=staff)
    document = EvidenceFactory(unit=unit, title="SK Tim")
    services.answer_evidence_set(
        cycle=small, question=question(RETURNED), evidence=document, attach=True
    )
    client = client_for(tpi_reviewer)
    expected = count_queries(client, review_url(small))

    large = CycleFactory(unit=unit, filled=True)
    for code in ("A.MP.PMN.i.a", "A.MP.PMN.i.b", "A.MP.PMN.ii.a"):
        services.answer_evidence_set(
            cycle=large, question=question(code), evidence=document, attach=True
        )
    services.cycle_submit(cycle=large, by=coordinator)
    for code in ("A.MP.PMN.i.a", "A.MP.PMN.ii.b", "A.MP.RFM.ii.a"):
        mark(large, code, tpi_reviewer)
        services.comment_add(cycle=large, question=question(code), body="Cek", by=staff)
        services.comment_add(cycle=large, question=question(code), body="Oke", by=tpi_reviewer)
    with django_assert_num_queries(expected):
        response = client.get(review_url(large))
    assert response.status_code == 200


# --------------------------------------------------------------------------
# Saving the TPI's answers


def test_the_reviewer_saves_a_tpi_answer_with_htmx_and_sees_the_new_area_score(
    submitted, tpi_reviewer, client_for
):
    response = client_for(tpi_reviewer).post(
        review_save_url(submitted),
        {"option": "Tidak", "note": TPI_NOTE, "version": tpi_version(submitted)},
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tersimpan." in html
    assert 'class="layer-score">7,75<' in html
    assert 'hx-swap-oob="true"' in html
    assert answer_of(submitted, RETURNED, Layer.TPI).option == "Tidak"
    assert answer_of(submitted, RETURNED, Layer.SELF).option == "Ya"
    # every figure the TPI's answer moves comes out of band: indicator, part, header total
    assert re.search(r'id="ind-A-MP-PMN-i" hx-swap-oob="true">0,25<', html)
    assert re.search(r'id="part-A-MP-PMN" hx-swap-oob="true">3,75<', html)
    header = html[html.index('id="review-header-score"') :]
    assert 'hx-swap-oob="true"' in header[:80]
    assert '<span class="big-number">99,75</span>' in header
    assert "sementara, belum final" in header
    assert 'id="review-actions" hx-swap-oob="true"' in html


def test_a_review_mark_updates_the_counts_out_of_band(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).post(
        mark_url(submitted), {"status": "diterima"}, headers=HTMX
    )

    html = response.content.decode()
    actions = html.split('id="review-actions" hx-swap-oob="true"')[1]
    assert "Tinjauan: 1 ditinjau" in actions
    assert "1 dari 113 pertanyaan ditinjau" in html


def test_the_plain_form_saves_and_returns_to_the_question(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).post(
        review_save_url(submitted), {"option": "Tidak", "version": tpi_version(submitted)}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{review_url(submitted)}#q-A-MP-PMN-i-a"
    assert answer_of(submitted, RETURNED, Layer.TPI).option == "Tidak"


def test_staff_get_403_on_saving_the_tpi_layer(submitted, staff, client_for):
    response = client_for(staff).post(review_save_url(submitted), {"option": "Tidak"})

    assert response.status_code == 403
    assert answer_of(submitted, RETURNED, Layer.TPI).option == "Ya"


def test_the_tpi_reviewer_gets_403_on_saving_the_units_answer(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).post(save_url(submitted, RETURNED), {"option": "Tidak"})

    assert response.status_code == 403
    assert answer_of(submitted, RETURNED, Layer.SELF).option == "Ya"


def test_a_reviewer_of_another_province_gets_404_on_saving(
    submitted, foreign_tpi_reviewer, client_for
):
    response = client_for(foreign_tpi_reviewer).post(
        review_save_url(submitted), {"option": "Tidak"}
    )

    assert response.status_code == 404
    assert answer_of(submitted, RETURNED, Layer.TPI).option == "Ya"


def test_the_tpn_layer_cannot_be_saved_during_the_tpi_evaluation(
    submitted, tpn_reviewer, client_for
):
    response = client_for(tpn_reviewer).post(
        review_save_url(submitted, layer=Layer.TPN), {"option": "Tidak"}
    )

    assert response.status_code == 403
    assert not Answer.objects.filter(cycle=submitted, layer=Layer.TPN).exists()


def test_two_reviewers_on_one_answer_htmx_shows_both_and_keeps_the_first(
    submitted, tpi_reviewer, second_reviewer, client_for
):
    seen = tpi_version(submitted)  # both load the page at this version
    client_for(tpi_reviewer).post(
        review_save_url(submitted), {"option": "Tidak", "version": seen}, headers=HTMX
    )

    response = client_for(second_reviewer).post(
        review_save_url(submitted),
        {"option": "Ya", "note": "menurut penilai kedua", "version": seen},
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "sudah diubah" in html
    assert "Nilai Anda: <strong>Ya</strong>" in html
    assert 'value="Tidak" checked' in html  # the stored answer is on the form
    assert "Tersimpan." not in html
    assert answer_of(submitted, RETURNED, Layer.TPI).option == "Tidak"


def test_two_reviewers_on_one_answer_plain_form_says_it_changed_and_shows_both(
    submitted, tpi_reviewer, second_reviewer, client_for
):
    seen = tpi_version(submitted)
    client_for(tpi_reviewer).post(review_save_url(submitted), {"option": "Tidak", "version": seen})

    response = client_for(second_reviewer).post(
        review_save_url(submitted),
        {"option": "Ya", "note": "menurut penilai kedua", "version": seen},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "sudah diubah" in html
    stored = re.search(r"Jawaban tersimpan(.*?)Jawaban Anda", html, re.S).group(1)
    mine = re.search(r"Jawaban Anda(.*?)</form>", html, re.S).group(1)
    assert "Tidak" in stored  # the stored answer
    assert "Ya" in mine and "menurut penilai kedua" in mine  # and the reviewer's own, not lost
    assert 'name="option" value="Ya"' in mine  # ready to be saved again knowingly
    assert answer_of(submitted, RETURNED, Layer.TPI).option == "Tidak"


def badges(html: str, code: str) -> str:
    block = html.split(f'id="q-{code.replace(".", "-")}"')[1]
    return block.split('class="question-state">')[1].split("</span>\n  </div>")[0]


def test_ditinjau_sesuai_and_dikoreksi_are_three_different_things(
    submitted, tpi_reviewer, client_for
):
    client = client_for(tpi_reviewer)
    untouched = badges(client.get(review_url(submitted)).content.decode(), RETURNED)
    services.review_mark(
        cycle=submitted,
        question=question(RETURNED),
        layer=Layer.TPI,
        status="diterima",
        by=tpi_reviewer,
    )
    agreed = badges(client.get(review_url(submitted)).content.decode(), RETURNED)
    services.answer_save(
        cycle=submitted,
        question=question(RETURNED),
        layer=Layer.TPI,
        option="Tidak",
        by=tpi_reviewer,
    )
    corrected = badges(client.get(review_url(submitted)).content.decode(), RETURNED)

    assert "Belum ditinjau" in untouched and "sesuai" not in untouched  # the copy is no verdict
    assert "Ditinjau" in agreed and "sesuai" in agreed and "dikoreksi" not in agreed
    assert "Ditinjau" in corrected and "dikoreksi" in corrected and "sesuai" not in corrected


def test_marking_perlu_perbaikan_brings_the_return_button_out_of_band(
    submitted, tpi_reviewer, client_for
):
    response = client_for(tpi_reviewer).post(
        mark_url(submitted), {"status": "perlu_perbaikan", "reason": "Lampirkan SK."}, headers=HTMX
    )

    actions = response.content.decode().split('id="review-actions" hx-swap-oob="true"')[1]
    assert "Kembalikan 1 pertanyaan untuk diperbaiki" in actions
    assert f'value="{review_url(submitted)}"' in actions  # back to the page after returning
