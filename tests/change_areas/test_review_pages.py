"""Pages of the review workflow: the reviewer's queue, scoring beside the unit's answers,
marks, transitions, comment threads, the unit's pages during revision, the comparison of
layers and the TPI report, proposals, decisions and predicates; and what each costs in
queries whatever the data."""

from __future__ import annotations

import datetime
import io
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from change_areas import services, workflow
from change_areas.models import (
    Answer,
    Comment,
    Cycle,
    Decision,
    Layer,
    PredicateAward,
    Proposal,
    QuestionReview,
    ReviewStatus,
    Stage,
)
from tests.change_areas.helpers import (
    HTMX,
    QUESTION_COUNT,
    REASON,
    RETURNED,
    A,
    accept_all,
    answer_of,
    comment_url,
    count_queries,
    force_stage,
    fresh,
    mark,
    mark_url,
    meet_prerequisites,
    question,
    return_for_revision,
    review_save_url,
    review_url,
    save_url,
    url,
)
from tests.factories import (
    AnswerFactory,
    CycleFactory,
    EvidenceFactory,
    PredicateAwardFactory,
    QuestionReviewFactory,
    UnitFactory,
    member,
)
from tests.files import upload
from tests.pages import messages_of
from units.models import Role, UnitKind

PROPOSALS = "/pengusulan/?instansi=KL&tahun=2026"
TPI_NOTE = "SK tim tidak ditemukan"


def table_row(html: str, label: str) -> str:
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert found, label
    return found.group(1)


def tpi_version(cycle: Cycle, code: str = RETURNED) -> str:
    return str(answer_of(cycle, code, Layer.TPI).version)


# --------------------------------------------------------------------------
# The queue


def test_the_queue_lists_exactly_the_cycles_waiting_for_the_reviewer(
    submitted, tpi_reviewer, province, other_unit, root_unit, client_for
):
    mark(submitted, RETURNED, tpi_reviewer)
    QuestionReviewFactory(
        cycle=submitted, code="A.MP.PMN.i.b", status=ReviewStatus.ACCEPTED, by=tpi_reviewer
    )
    Cycle.objects.filter(pk=submitted.pk).update(review_closes=datetime.date(2026, 12, 31))
    CycleFactory(unit=other_unit, year=2026)  # still building
    CycleFactory(unit=other_unit, year=2025, stage=Stage.EVALUASI_TPN)
    CycleFactory(unit=other_unit, year=2024, stage=Stage.PENGUSULAN)
    elsewhere = UnitFactory(code="PROV2", kind=UnitKind.INSTANSI_VERTIKAL, parent=root_unit)
    foreign = CycleFactory(unit=UnitFactory(code="FAR", parent=elsewhere), filled=True)
    workflow.cycle_submit(cycle=foreign, by=None)
    reviewer = member(province, Role.TPI_REVIEWER, "tpi-provinsi")

    response = client_for(reviewer).get(reverse("change_areas:review_queue"))

    assert [cycle.pk for cycle in response.context["cycles"]] == [submitted.pk]
    row = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S).group(1)
    submitted_on = timezone.localtime(fresh(submitted).submitted_at).strftime("%d/%m/%Y")
    for text in (
        "Satker Contoh",
        "Menuju WBK",
        submitted_on,
        "100,00",
        f"2/{QUESTION_COUNT}",
        "Kamis, 31 Desember 2026",
        review_url(submitted),
    ):
        assert text in row, text


def test_the_tpn_queue_lists_cycles_in_evaluasi_tpn_only(submitted, unit, tpn_reviewer, client_for):
    in_tpn = CycleFactory(unit=unit, year=2025, stage=Stage.EVALUASI_TPN)

    response = client_for(tpn_reviewer).get(reverse("change_areas:review_queue"))

    assert [cycle.pk for cycle in response.context["cycles"]] == [in_tpn.pk]
    assert review_url(in_tpn, layer="tpn") in response.content.decode()


def test_the_pre_reviewers_queue_lists_cycles_in_pre_assessment(
    unit, province, coordinator, submitted, client_for
):
    pre_reviewer = member(province, Role.PRE_REVIEWER, "pre")
    pre_cycle = CycleFactory(unit=unit, filled=True, year=2025, pre_assessment=True)
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)

    response = client_for(pre_reviewer).get(reverse("change_areas:review_queue"))

    assert [cycle.pk for cycle in response.context["cycles"]] == [pre_cycle.pk]
    assert review_url(pre_cycle, layer="pre") in response.content.decode()


def test_a_cycle_returned_by_the_pre_assessor_is_not_in_the_tpi_queue(
    unit, province, coordinator, tpi_reviewer, client_for
):
    pre_reviewer = member(province, Role.PRE_REVIEWER, "pre")
    pre_cycle = CycleFactory(unit=unit, filled=True, pre_assessment=True)
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)
    return_for_revision(pre_cycle, pre_reviewer, layer=Layer.PRE)  # never reached the TPI

    response = client_for(tpi_reviewer).get(reverse("change_areas:review_queue"))

    assert list(response.context["cycles"]) == []


def test_people_without_a_review_role_see_an_empty_queue(submitted, staff, client_for):
    response = client_for(staff).get(reverse("change_areas:review_queue"))

    assert response.status_code == 200
    assert list(response.context["cycles"]) == []


def test_the_queue_costs_the_same_queries_with_1_and_with_8_cycles(
    province, client_for, django_assert_num_queries
):
    reviewer = member(province, Role.TPI_REVIEWER, "tpi-provinsi")

    def waiting_cycle(number: int) -> None:
        satker = UnitFactory(code=f"S{number}", parent=province)
        cycle = CycleFactory(
            unit=satker, review_closes=datetime.date(2026, 12, 31), stage=Stage.EVALUASI_TPI
        )
        QuestionReviewFactory(cycle=cycle, code=RETURNED, status=ReviewStatus.ACCEPTED)

    waiting_cycle(0)
    client = client_for(reviewer)
    expected = count_queries(client, reverse("change_areas:review_queue"))

    for number in range(1, 8):
        waiting_cycle(number)
    with django_assert_num_queries(expected):
        response = client.get(reverse("change_areas:review_queue"))
    assert len(response.context["cycles"]) == 8


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
        f"1 perlu perbaikan, 0 sudah diperbaiki unit, {QUESTION_COUNT - 1} belum ditinjau" in html
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

    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 3, 2)):
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
    workflow.comment_add(cycle=small, question=question(RETURNED), body="Satu", by=staff)
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
    workflow.cycle_submit(cycle=large, by=coordinator)
    for code in ("A.MP.PMN.i.a", "A.MP.PMN.ii.b", "A.MP.RFM.ii.a"):
        mark(large, code, tpi_reviewer)
        workflow.comment_add(cycle=large, question=question(code), body="Cek", by=staff)
        workflow.comment_add(cycle=large, question=question(code), body="Oke", by=tpi_reviewer)
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


@pytest.fixture
def second_reviewer(province):
    return member(province, Role.TPI_REVIEWER, "tpi-kedua")


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


# --------------------------------------------------------------------------
# Marks and transitions


def test_marking_perlu_perbaikan_without_a_reason_shows_the_error(
    submitted, tpi_reviewer, client_for
):
    response = client_for(tpi_reviewer).post(
        mark_url(submitted), {"status": "perlu_perbaikan", "reason": " "}, headers=HTMX
    )

    assert response.status_code == 200
    assert "Tuliskan alasan mengapa pertanyaan ini perlu diperbaiki." in response.content.decode()
    review = QuestionReview.objects.get(cycle=submitted, question__code=RETURNED)
    assert review.status == ReviewStatus.PENDING


def test_marking_with_htmx_returns_the_question_with_its_verdict(
    submitted, tpi_reviewer, client_for
):
    response = client_for(tpi_reviewer).post(
        mark_url(submitted), {"status": "perlu_perbaikan", "reason": REASON}, headers=HTMX
    )

    html = response.content.decode()
    assert REASON in html and "Perlu perbaikan" in html
    review = QuestionReview.objects.get(cycle=submitted, question__code=RETURNED)
    assert (review.status, review.reason, review.reviewed_by) == (
        ReviewStatus.NEEDS_REVISION,
        REASON,
        tpi_reviewer,
    )


def test_marking_with_the_plain_form_returns_to_the_question(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).post(mark_url(submitted), {"status": "diterima"})

    assert response["Location"] == f"{review_url(submitted)}#q-A-MP-PMN-i-a"
    assert QuestionReview.objects.get(cycle=submitted, question__code=RETURNED).status == (
        ReviewStatus.ACCEPTED
    )


def test_accepting_the_open_questions_of_a_page(submitted, tpi_reviewer, client_for):
    mark(submitted, RETURNED, tpi_reviewer)

    response = client_for(tpi_reviewer).post(
        reverse(
            "change_areas:review_accept_open",
            kwargs={"pk": submitted.pk, "layer": "tpi", "area_code": "A.MP"},
        )
    )

    assert response.status_code == 302
    statuses = dict(
        QuestionReview.objects.filter(cycle=submitted).values_list("question__code", "status")
    )
    mp = {code: status for code, status in statuses.items() if code.startswith("A.MP.")}
    assert mp.pop(RETURNED) == ReviewStatus.NEEDS_REVISION
    assert set(mp.values()) == {ReviewStatus.ACCEPTED}
    assert statuses["A.TL.PMN.i.a"] == ReviewStatus.PENDING
    assert f"{len(mp)} pertanyaan diterima." in messages_of(response)


def test_the_coordinator_submits_on_the_overview(unit, coordinator, tpi_reviewer, client_for):
    cycle = CycleFactory(unit=unit, filled=True)

    response = client_for(coordinator).post(url("cycle_submit", cycle))

    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()
    assert fresh(cycle).stage == Stage.EVALUASI_TPI
    assert "Penilaian mandiri diajukan untuk dinilai." in messages_of(response)


def test_an_incomplete_self_assessment_is_not_submitted_and_the_page_says_why(
    unit, coordinator, client_for
):
    cycle = CycleFactory(unit=unit, filled=True, leave_out=("A.MP.PMN.i.a",))

    response = client_for(coordinator).post(url("cycle_submit", cycle), follow=True)

    assert "Masih ada 1 pertanyaan pengungkit yang belum dijawab" in response.content.decode()
    assert fresh(cycle).stage == Stage.PEMBANGUNAN


def test_staff_get_403_on_submitting(unit, staff, client_for):
    cycle = CycleFactory(unit=unit)

    response = client_for(staff).post(url("cycle_submit", cycle))

    assert response.status_code == 403
    assert fresh(cycle).stage == Stage.PEMBANGUNAN


def test_the_reviewer_returns_questions_on_the_review_page(submitted, tpi_reviewer, client_for):
    mark(submitted, RETURNED, tpi_reviewer)

    response = client_for(tpi_reviewer).post(
        reverse("change_areas:cycle_return", kwargs={"pk": submitted.pk, "layer": "tpi"}),
        {"note": "Lengkapi SK"},
    )

    assert response.status_code == 302
    stored = fresh(submitted)
    assert stored.stage == Stage.PERBAIKAN
    assert stored.events.get(action="return").note == "Lengkapi SK"


def test_finalising_with_open_questions_is_refused_with_a_message(
    submitted, tpi_reviewer, client_for
):
    response = client_for(tpi_reviewer).post(url("cycle_finalise", submitted), follow=True)

    assert f"Masih ada {QUESTION_COUNT} pertanyaan yang belum diterima" in response.content.decode()
    assert fresh(submitted).stage == Stage.EVALUASI_TPI


def test_finalising_on_the_page_opens_the_comparison(submitted, tpi_reviewer, client_for):
    accept_all(submitted, Layer.TPI, tpi_reviewer)

    response = client_for(tpi_reviewer).post(url("cycle_finalise", submitted))

    assert response["Location"] == url("comparison", submitted)
    assert fresh(submitted).stage == Stage.PENGUSULAN


# --------------------------------------------------------------------------
# The unit during revision


def test_during_revision_the_area_page_opens_only_the_returned_question(
    returned, staff, client_for
):
    response = client_for(staff).get(
        reverse("change_areas:area", kwargs={"pk": returned.pk, "area_code": "A.MP"})
    )

    html = response.content.decode()
    block = re.search(r'id="q-A-MP-PMN-i-a"(.*?)id="q-A-MP-PMN-i-b"', html, re.S).group(1)
    assert REASON in block and "Perlu perbaikan" in block
    assert f'action="{save_url(returned, RETURNED)}"' in html
    assert f'action="{save_url(returned, "A.MP.PMN.i.b")}"' not in html
    assert f'action="{save_url(returned, "A.MP.RFM.i.a")}"' not in html
    assert html.count('class="answer-form"') == 1


def test_during_revision_saving_another_question_is_403(returned, staff, client_for):
    client = client_for(staff)

    refused = client.post(save_url(returned, "A.MP.PMN.i.b"), {"option": "C"})
    saved = client.post(save_url(returned, RETURNED), {"option": "Ya", "note": "SK terlampir"})

    assert refused.status_code == 403
    assert answer_of(returned, "A.MP.PMN.i.b", Layer.SELF).option == "A"
    assert saved.status_code == 302
    assert answer_of(returned, RETURNED, Layer.SELF).note == "SK terlampir"


def test_the_overview_lists_the_returned_questions_and_offers_the_resubmission(
    returned, coordinator, staff, client_for
):
    html = client_for(coordinator).get(returned.get_absolute_url()).content.decode()
    staff_html = client_for(staff).get(returned.get_absolute_url()).content.decode()

    assert RETURNED in html and REASON in html
    assert f'action="{url("cycle_resubmit", returned)}"' in html
    assert REASON in staff_html
    assert f'action="{url("cycle_resubmit", returned)}"' not in staff_html


def test_the_coordinator_resubmits_on_the_overview(returned, coordinator, client_for):
    response = client_for(coordinator).post(url("cycle_resubmit", returned))

    assert response.status_code == 302
    assert fresh(returned).stage == Stage.EVALUASI_TPI
    review = QuestionReview.objects.get(cycle=returned, question__code=RETURNED)
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 1)


def test_staff_get_403_on_resubmitting(returned, staff, client_for):
    response = client_for(staff).post(url("cycle_resubmit", returned))

    assert response.status_code == 403
    assert fresh(returned).stage == Stage.PERBAIKAN


# --------------------------------------------------------------------------
# Comment threads


def test_both_sides_write_and_read_one_thread(submitted, staff, tpi_reviewer, client_for):
    unit_client, reviewer_client = client_for(staff), client_for(tpi_reviewer)

    first = unit_client.post(comment_url(submitted), {"body": "SK ada di bukti dukung."})
    second = reviewer_client.post(comment_url(submitted), {"body": "SK belum bertanda tangan."})

    assert first.status_code == second.status_code == 302
    assert list(Comment.objects.values_list("author_side", flat=True)) == ["self", "tpi"]
    for client, path in (
        (unit_client, reverse("change_areas:area", args=[submitted.pk, "A.MP"])),
        (reviewer_client, review_url(submitted)),
    ):
        html = client.get(path).content.decode()
        block = re.search(r'id="q-A-MP-PMN-i-a"(.*?)id="q-A-MP-PMN-i-b"', html, re.S).group(1)
        assert "SK ada di bukti dukung." in block
        assert "SK belum bertanda tangan." in block


def test_a_comment_with_htmx_returns_the_thread(submitted, staff, client_for):
    response = client_for(staff).post(
        comment_url(submitted), {"body": "Mohon dicek <b>lagi</b>"}, headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Mohon dicek &lt;b&gt;lagi&lt;/b&gt;" in html
    assert "Diskusi (1)" in html


def test_an_empty_comment_is_refused_with_a_message(submitted, staff, client_for):
    response = client_for(staff).post(comment_url(submitted), {"body": "  "})

    assert response.status_code == 302
    assert any("Komentar kosong" in text for text in messages_of(response))
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("outsider", 404)])
def test_viewers_and_outsiders_cannot_comment(submitted, client_for, request, role, status):
    response = client_for(request.getfixturevalue(role)).post(
        comment_url(submitted), {"body": "Bagus"}
    )

    assert response.status_code == status
    assert not Comment.objects.exists()


# --------------------------------------------------------------------------
# Comparison and the TPI report


@pytest.fixture
def compared(unit, coordinator, staff, tpi_reviewer) -> Cycle:
    """Self 98,50 (SDM reform i.a at C); the TPI raises it to A (+1,50), lowers RETURNED
    to Tidak with a note (−0,25), returns RETURNED once, then finalises at 99,75."""
    cycle = CycleFactory(unit=unit, filled=True, options={"A.SDM.RFM.i.a": "C"})
    workflow.cycle_submit(cycle=cycle, by=coordinator)
    AnswerFactory(cycle=cycle, code="A.SDM.RFM.i.a", layer=Layer.TPI, option="A", by=tpi_reviewer)
    AnswerFactory(
        cycle=cycle,
        code=RETURNED,
        layer=Layer.TPI,
        option="Tidak",
        note=TPI_NOTE,
        by=tpi_reviewer,
    )
    return_for_revision(cycle, tpi_reviewer)
    workflow.cycle_resubmit(cycle=cycle, by=coordinator)
    accept_all(cycle, Layer.TPI, tpi_reviewer)
    workflow.cycle_finalise_tpi(cycle=cycle, by=tpi_reviewer)
    return fresh(cycle)


def test_the_comparison_shows_self_and_tpi_per_area_with_the_difference(
    compared, staff, client_for
):
    response = client_for(staff).get(url("comparison", compared))

    html = response.content.decode()
    assert response.status_code == 200
    mp = table_row(html, "Manajemen Perubahan")
    assert ">8,00<" in mp and ">7,75<" in mp and "−0,25" in mp
    sdm = table_row(html, "Penataan Sistem Manajemen SDM Aparatur")
    assert ">8,50<" in sdm and ">10,00<" in sdm and "+1,50" in sdm
    tl = table_row(html, "Penataan Tatalaksana")
    assert tl.count(">7,00<") == 3 and "0,00" in tl
    total = table_row(html, "Total")
    assert ">98,50<" in total and ">99,75<" in total and "+1,25" in total
    changed = re.search(r"<h2>Pertanyaan yang dinilai berbeda.*?</table>", html, re.S).group(0)
    assert RETURNED in changed and "A.SDM.RFM.i.a" in changed and TPI_NOTE in changed
    assert "A.MP.PMN.i.b" not in changed


def test_the_comparison_shows_the_timeline(compared, tpi_reviewer, client_for):
    html = client_for(tpi_reviewer).get(url("comparison", compared)).content.decode()

    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    labels = [
        "Siklus dibuka",
        "Penilaian mandiri diajukan untuk dinilai",
        "Dikembalikan kepada unit untuk perbaikan",
        "Perbaikan diajukan kembali",
        "Penilaian TPI difinalkan",
    ]
    positions = [timeline.find(label) for label in labels]
    assert -1 not in positions and positions == sorted(positions)
    assert str(tpi_reviewer) in timeline


@pytest.mark.parametrize("name", ["comparison", "tpi_report_pdf"])
def test_the_unit_sees_the_tpi_figures_only_after_finalisation(
    submitted, staff, coordinator, client_for, name
):
    for person in (staff, coordinator):
        assert client_for(person).get(url(name, submitted)).status_code == 403


def test_reviewers_see_the_comparison_before_finalisation(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).get(url("comparison", submitted))

    assert response.status_code == 200


def test_outsiders_get_404_on_the_comparison(compared, outsider, client_for):
    assert client_for(outsider).get(url("comparison", compared)).status_code == 404


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_the_tpi_report_holds_the_comparison_the_changed_questions_and_the_notes(
    compared, staff, tpi_reviewer, client_for
):
    response = client_for(staff).get(url("tpi_report_pdf", compared))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "LAPORAN HASIL EVALUASI TIM PENILAI INTERNAL" in text.upper()
    assert "Unit : Satker Contoh (UNIT)" in text
    assert f"Penilai : {tpi_reviewer}" in text
    assert "Manajemen Perubahan 8,00 8,00 7,75 −0,25" in text
    assert "Penataan Sistem Manajemen SDM Aparatur 10,00 8,50 10,00 +1,50" in text
    assert "98,50 99,75 +1,25" in text
    assert RETURNED in text and "A.SDM.RFM.i.a" in text
    assert TPI_NOTE in text
    assert REASON in text


def test_reviewers_get_the_tpi_report_before_finalisation(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).get(url("tpi_report_pdf", submitted))

    assert response.status_code == 200
    assert "belum final" in pdf_text(response.content)


def test_the_comparison_costs_the_same_queries_with_1_and_with_many_changes(
    unit, coordinator, tpi_reviewer, client_for, django_assert_num_queries
):
    small = CycleFactory(unit=unit, filled=True, year=2025)
    workflow.cycle_submit(cycle=small, by=coordinator)
    AnswerFactory(cycle=small, code=RETURNED, layer=Layer.TPI, option="Tidak", by=tpi_reviewer)
    accept_all(small, Layer.TPI, tpi_reviewer)
    workflow.cycle_finalise_tpi(cycle=small, by=tpi_reviewer)
    client = client_for(tpi_reviewer)
    expected = count_queries(client, url("comparison", small))

    large = CycleFactory(unit=unit, filled=True, year=2026)
    workflow.cycle_submit(cycle=large, by=coordinator)
    worst = {}
    for answer in Answer.objects.filter(cycle=large, layer=Layer.TPI).select_related("question"):
        if answer.option in ("Ya", "A") and len(worst) < 20:
            worst[answer.question.code] = (
                A(option="Tidak" if answer.option == "Ya" else "C"),
                f"Catatan {answer.question.code}",
            )
    services.answers_save_many(cycle=large, layer=Layer.TPI, answers=worst, by=tpi_reviewer)
    return_for_revision(large, tpi_reviewer, codes=list(worst)[:5])
    workflow.cycle_resubmit(cycle=large, by=coordinator)
    accept_all(large, Layer.TPI, tpi_reviewer)
    workflow.cycle_finalise_tpi(cycle=large, by=tpi_reviewer)

    with django_assert_num_queries(expected):
        response = client.get(url("comparison", large))
    assert len(response.context["changed"]) == 20


# --------------------------------------------------------------------------
# Proposals


def test_the_instansi_admin_sees_the_final_cycles_with_what_blocks_them(
    finalised, instansi_admin, client_for
):
    response = client_for(instansi_admin).get(PROPOSALS)

    html = response.content.decode()
    assert response.status_code == 200
    assert [cycle.pk for cycle in response.context["candidates"]] == [finalised.pk]
    assert "Opini BPK atas laporan keuangan" in html
    assert "Usulkan ke TPN" not in html  # nothing may be proposed yet


@pytest.mark.parametrize("role", ["unit_admin", "coordinator", "tpi_reviewer"])
def test_people_who_do_not_administer_an_instansi_get_403_on_proposals(
    finalised, client_for, request, role
):
    response = client_for(request.getfixturevalue(role)).get(PROPOSALS)

    assert response.status_code == 403


def test_the_instansi_admin_proposes_with_the_sptjm(
    finalised, instansi_admin, tpn_reviewer, root_unit, client_for
):
    meet_prerequisites(finalised)
    client = client_for(instansi_admin)
    assert "Usulkan ke TPN" in client.get(PROPOSALS).content.decode()

    response = client.post(
        "/pengusulan/",
        {
            "instansi": "KL",
            "year": "2026",
            "letter_number": "B/45/KL/2026",
            "letter_date": "2026-05-20",
            "sptjm": upload("sptjm.pdf"),
            "cycles": [str(finalised.pk)],
        },
    )

    assert response.status_code == 302
    stored = fresh(finalised)
    assert stored.stage == Stage.EVALUASI_TPN
    proposal = Proposal.objects.get()
    assert stored.proposal == proposal
    assert (proposal.letter_number, proposal.sptjm.unit) == ("B/45/KL/2026", root_unit)
    assert Answer.objects.filter(cycle=stored, layer=Layer.TPN).count() == QUESTION_COUNT
    sent = client.get(PROPOSALS).content.decode()
    assert "B/45/KL/2026" in sent and "Satker Contoh" in sent


def test_a_blocked_cycle_cannot_be_posted_for_proposal(finalised, instansi_admin, client_for):
    response = client_for(instansi_admin).post(
        "/pengusulan/",
        {
            "instansi": "KL",
            "year": "2026",
            "letter_number": "B/45/KL/2026",
            "letter_date": "2026-05-20",
            "sptjm": upload("sptjm.pdf"),
            "cycles": [str(finalised.pk)],
        },
    )

    assert response.status_code == 400
    assert fresh(finalised).stage == Stage.PENGUSULAN
    assert not Proposal.objects.exists()


# --------------------------------------------------------------------------
# Decision and predicates


@pytest.fixture
def in_tpn(finalised) -> Cycle:
    return force_stage(finalised, Stage.EVALUASI_TPN)


def test_the_tpn_records_the_award_on_the_decision_page(in_tpn, tpn_reviewer, client_for):
    client = client_for(tpn_reviewer)
    assert client.get(url("cycle_decide", in_tpn)).status_code == 200

    incomplete = client.post(url("cycle_decide", in_tpn), {"decision": Decision.AWARDED})
    assert incomplete.status_code == 400
    assert "Nomor keputusan wajib diisi" in incomplete.content.decode()
    assert not PredicateAward.objects.exists()

    response = client.post(
        url("cycle_decide", in_tpn),
        {
            "decision": Decision.AWARDED,
            "decree_number": "B/1234/M.RB.06/2026",
            "decree_date": "2026-10-01",
        },
    )

    assert response["Location"] == in_tpn.get_absolute_url()
    award = PredicateAward.objects.get()
    assert (award.unit, award.predicate, award.decree_number) == (
        in_tpn.unit,
        "wbk",
        "B/1234/M.RB.06/2026",
    )
    assert fresh(in_tpn).stage == Stage.KEPUTUSAN


def test_the_decision_page_is_for_tpn_reviewers(in_tpn, tpi_reviewer, client_for):
    assert client_for(tpi_reviewer).get(url("cycle_decide", in_tpn)).status_code == 403


@pytest.fixture
def award(unit, superuser) -> PredicateAward:
    return PredicateAwardFactory(
        unit=unit,
        year=2024,
        decree_number="B/1/2024",
        decree_date=datetime.date(2024, 12, 2),
        by=superuser,
    )


REVOCATION = {
    "revoked_on": "2025-06-02",
    "decree_number": "B/77/M.RB.06/2025",
    "reason": "Pungutan liar",
}


def test_a_superuser_revokes_on_the_predicate_page(award, superuser, unit, client_for):
    client = client_for(superuser)

    response = client.post(reverse("change_areas:predicate_revoke", args=[award.pk]), REVOCATION)

    assert response["Location"] == reverse("change_areas:predicates", args=[unit.code])
    stored = PredicateAward.objects.get(pk=award.pk)
    assert (stored.revoked_on, stored.revocation_reason) == (
        datetime.date(2025, 6, 2),
        "Pungutan liar",
    )
    html = client.get(response["Location"]).content.decode()
    assert "Dicabut Senin, 2 Juni 2025 dengan keputusan B/77/M.RB.06/2025." in html


@pytest.mark.parametrize(
    ("role", "status"), [("coordinator", 403), ("tpn_reviewer", 403), ("outsider", 404)]
)
def test_others_cannot_revoke(award, client_for, request, role, status):
    response = client_for(request.getfixturevalue(role)).post(
        reverse("change_areas:predicate_revoke", args=[award.pk]), REVOCATION
    )

    assert response.status_code == status
    assert PredicateAward.objects.get(pk=award.pk).is_held
