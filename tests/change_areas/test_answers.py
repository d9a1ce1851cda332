"""Saving one LKE answer: the stored summary, history, bad input, htmx and plain forms,
optimistic concurrency, who may save, and the editing windows."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from change_areas import services
from change_areas.models import Answer, Cycle, Layer, Question, Stage
from change_areas.services import answers as answer_services
from tests.change_areas.helpers import HTMX, QUESTION_COUNT, area_url, fresh, question, save_url
from tests.factories import AnswerFactory, CycleFactory, EvidenceFactory
from tests.pages import messages_of

# --------------------------------------------------------------------------
# The stored summary


def test_saving_an_answer_stores_the_layer_summary_on_the_cycle(cycle, staff):
    services.answer_save(cycle=cycle, question=question("A.MP.PMN.i.a"), option="Ya", by=staff)

    stored = fresh(cycle)
    # A.MP.PMN.i (weight 0.5) has two questions: (1 + 0) / 2 × 0.5 = 0.25
    assert stored.self_total == Decimal("0.2500")
    assert stored.self_completeness == Decimal(str(round(1 / QUESTION_COUNT, 4)))
    assert stored.summaries["self"]["areas"]["A.MP"]["value"] == 0.25
    assert stored.summaries["self"]["areas"]["A.MP"]["answered"] == 1
    assert stored.summaries["self"]["indicators"]["A.MP.PMN.i"]["value"] == 0.25


def test_summary_follows_each_answer_by_hand_arithmetic(cycle, staff):
    services.answer_save(cycle=cycle, question=question("A.MP.PMN.i.a"), option="Ya", by=staff)
    services.answer_save(cycle=cycle, question=question("A.MP.PMN.i.b"), option="B", by=staff)
    # 8 changes made by 10 agents: 0.8; A.MP.RFM.i (weight 2) has two questions → 0.8 / 2 × 2
    services.answer_save(
        cycle=cycle, question=question("A.MP.RFM.i.a"), inputs={"n1": 10, "n2": 8}, by=staff
    )

    stored = fresh(cycle)
    # (1 + 0.5) / 2 × 0.5 = 0.375, plus 0.8
    assert stored.summaries["self"]["areas"]["A.MP"]["value"] == pytest.approx(1.175)
    assert stored.self_total == Decimal("1.1750")
    assert stored.self_completeness == Decimal(str(round(3 / QUESTION_COUNT, 4)))
    assert stored.summaries["self"]["answered"] == 3
    assert not stored.self_wbk_eligible

    # changing an answer changes the summary: Ya → Tidak takes 0.25 away
    services.answer_save(cycle=cycle, question=question("A.MP.PMN.i.a"), option="Tidak", by=staff)
    stored = fresh(cycle)
    assert stored.summaries["self"]["areas"]["A.MP"]["value"] == pytest.approx(0.925)
    assert stored.self_total == Decimal("0.9250")
    assert stored.self_completeness == Decimal(str(round(3 / QUESTION_COUNT, 4)))


def test_percentage_inputs_are_capped_at_one_and_computed_inputs_are_stored(cycle, staff):
    answer, _card = services.answer_save(
        cycle=cycle, question=question("A.MP.RFM.i.a"), inputs={"n1": 4, "n2": 9}, by=staff
    )
    assert answer.value == Decimal("1.0000")  # 9 / 4 capped at 1

    lhkpn, _card = services.answer_save(
        cycle=cycle,
        question=question("A.PW.RFM.iii.LHKPN.a"),
        inputs={"n2": 1, "n3": 5, "n4": 2, "n5": 6},
        by=staff,
    )
    assert lhkpn.inputs == {"n1": 8, "n2": 1, "n3": 5, "n4": 2, "n5": 6}
    assert lhkpn.value == Decimal("0.7500")  # 6 / (1 + 5 + 2)


def test_answer_and_summary_are_saved_in_one_transaction(cycle, staff, monkeypatch):
    def broken_refresh(**kwargs):
        raise RuntimeError("the summary could not be computed")

    monkeypatch.setattr(answer_services, "cycle_refresh_summary", broken_refresh)
    with pytest.raises(RuntimeError):
        services.answer_save(cycle=cycle, question=question("A.MP.PMN.i.a"), option="Ya", by=staff)
    assert not Answer.objects.filter(cycle=cycle).exists()


# --------------------------------------------------------------------------
# History


def test_answer_history_names_the_person_and_the_reason(cycle, staff, coordinator):
    answer, _card = services.answer_save(
        cycle=cycle, question=question("A.MP.PMN.i.b"), option="A", by=staff
    )
    services.answer_save(
        cycle=cycle, question=question("A.MP.PMN.i.b"), option="C", note="dikoreksi", by=coordinator
    )

    records = list(answer.history.order_by("history_date", "history_id"))
    assert [record.option for record in records] == ["A", "C"]
    assert [record.history_user for record in records] == [staff, coordinator]
    assert all(record.history_change_reason == "answer_save" for record in records)
    assert records[1].note == "dikoreksi"


def test_answer_saved_through_the_page_records_the_signed_in_person(cycle, staff, client_for):
    client_for(staff).post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya", "version": "0"})

    record = Answer.objects.get(cycle=cycle).history.get()
    assert record.history_user == staff
    assert record.history_change_reason == "answer_save"


# --------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("code", "values", "message"),
    [
        (
            "A.MP.PMN.i.a",
            {"option": "B"},
            "Jawaban 'B' tidak tersedia; pilih salah satu: Ya, Tidak",
        ),
        ("A.MP.PMN.i.b", {"option": "Ya"}, "pilih salah satu: A, B, C"),
        ("A.MP.RFM.i.a", {"inputs": {"n1": -3, "n2": 1}}, "jumlah tidak boleh negatif"),
        ("A.MP.RFM.i.a", {"inputs": {"n1": 2.5, "n2": 1}}, "jumlah harus bilangan bulat"),
        (
            "A.PW.RFM.iii.LHKPN.a",
            {"inputs": {"n1": 9, "n2": 1, "n3": 5, "n4": 2, "n5": 6}},
            "dihitung dari isian lain (8), bukan 9",
        ),
        ("B.BBA.a.1", {"number": 5}, "Nilai survei harus antara 0 dan 4"),
    ],
    ids=["ya-tidak-given-B", "abc-given-Ya", "negative", "fraction", "computed", "survey-5"],
)
def test_bad_answer_is_refused_in_indonesian_and_changes_nothing(
    cycle, staff, code, values, message
):
    AnswerFactory(cycle=cycle, code="A.MP.PMN.ii.a", by=staff)
    before = fresh(cycle)

    with pytest.raises(ValidationError) as refused:
        services.answer_save(cycle=cycle, question=question(code), by=staff, **values)

    assert message in " ".join(refused.value.messages)
    assert not Answer.objects.filter(cycle=cycle, question__code=code).exists()
    after = fresh(cycle)
    assert after.self_total == before.self_total
    assert after.summaries == before.summaries


def test_bad_answer_leaves_an_existing_answer_as_it_was(cycle, staff):
    services.answer_save(
        cycle=cycle, question=question("A.MP.RFM.i.a"), inputs={"n1": 10, "n2": 8}, by=staff
    )
    with pytest.raises(ValidationError):
        services.answer_save(
            cycle=cycle, question=question("A.MP.RFM.i.a"), inputs={"n1": 10, "n2": -1}, by=staff
        )
    answer = Answer.objects.get(cycle=cycle, question__code="A.MP.RFM.i.a")
    assert answer.inputs == {"n1": 10, "n2": 8}
    assert answer.version == 1


def test_question_of_another_framework_is_refused(cycle, staff, catalogs):
    legacy = Question.objects.filter(framework=catalogs["permenpan-rb-52-2014"]).first()

    with pytest.raises(ValidationError) as refused:
        services.answer_save(cycle=cycle, question=legacy, option="Ya", by=staff)

    assert "bukan bagian dari LKE siklus ini" in " ".join(refused.value.messages)
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_question_of_another_framework_is_not_found_on_the_page(cycle, staff, catalogs, client_for):
    legacy = Question.objects.filter(framework=catalogs["permenpan-rb-52-2014"]).first()
    assert not Question.objects.filter(framework=cycle.framework, code=legacy.code).exists()

    response = client_for(staff).post(save_url(cycle, legacy.code), {"option": "Ya"})

    assert response.status_code == 404
    assert not Answer.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize(
    ("code", "post", "message"),
    [
        ("A.MP.PMN.i.b", {"option": "Z"}, "Jawaban 'Z' tidak tersedia"),
        ("A.MP.RFM.i.a", {"input-n1": "-3", "input-n2": "1"}, "jumlah tidak boleh negatif"),
        ("A.MP.RFM.i.a", {"input-n1": "2,5", "input-n2": "1"}, "jumlah harus bilangan bulat"),
        ("A.MP.RFM.i.a", {"input-n1": "sepuluh", "input-n2": "1"}, "'sepuluh' bukan angka"),
        ("B.BBA.a.1", {"number": "5"}, "Nilai survei harus antara 0 dan 4"),
    ],
    ids=["option", "negative", "fraction", "not-a-number", "survey-5"],
)
def test_plain_post_with_bad_input_redirects_back_with_the_reason(
    cycle, staff, client_for, code, post, message
):
    response = client_for(staff).post(save_url(cycle, code), {**post, "version": "0"})

    assert response.status_code == 302
    assert response["Location"].endswith("#q-" + code.replace(".", "-"))
    assert any(message in text and text.startswith(code) for text in messages_of(response))
    assert not Answer.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize(
    ("code", "post", "message"),
    [
        ("A.MP.PMN.i.b", {"option": "Z"}, "Jawaban &#x27;Z&#x27; tidak tersedia"),
        ("A.MP.RFM.i.a", {"input-n1": "-3", "input-n2": "1"}, "jumlah tidak boleh negatif"),
        ("B.BBA.a.1", {"number": "5"}, "Nilai survei harus antara 0 dan 4"),
    ],
    ids=["option", "negative", "survey-5"],
)
def test_htmx_post_with_bad_input_returns_the_question_with_the_error(
    cycle, staff, client_for, code, post, message
):
    response = client_for(staff).post(save_url(cycle, code), {**post, "version": "0"}, headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="q-{code.replace(".", "-")}"' in html
    assert "has-error" in html
    assert message in html
    assert "Tersimpan." not in html
    assert not Answer.objects.filter(cycle=cycle).exists()


# --------------------------------------------------------------------------
# htmx and plain forms


def test_htmx_save_returns_the_question_and_the_new_area_score(cycle, staff, client_for):
    response = client_for(staff).post(
        save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya", "version": "0"}, headers=HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="q-A-MP-PMN-i-a"' in html
    assert "Tersimpan." in html
    assert 'value="Ya" checked' in html
    assert 'id="area-summary-amp" hx-swap-oob="true"' in html
    summary = html[html.index('id="area-summary-amp"') :]
    assert '<strong class="area-score">0,25</strong>' in summary
    assert Answer.objects.get(cycle=cycle).option == "Ya"


def test_htmx_save_swaps_every_figure_the_answer_moves(filled_cycle, staff, client_for):
    """Ya→Tidak on A.MP.PMN.i.a (weight 0,5 over two questions): −0,25 on the indicator,
    its part (Pemenuhan), the area, the total; completeness unchanged; WBK still met."""
    response = client_for(staff).post(
        save_url(filled_cycle, "A.MP.PMN.i.a"),
        {"option": "Tidak", "version": "1"},
        headers=HTMX,
    )

    html = response.content.decode()

    def oob(element_id: str) -> str:
        match = re.search(
            rf'<[^>]*id="{element_id}"[^>]*hx-swap-oob="true"[^>]*>(.*?)</', html, re.S
        )
        assert match, element_id
        return match.group(1)

    assert oob("ind-A-MP-PMN-i") == "0,25"
    assert oob("part-A-MP-PMN") == "3,75"
    assert '<strong class="area-score">7,75</strong>' in html
    header = html[html.index('id="header-score"') :]
    assert '<span class="big-number">99,75</span>' in header
    assert "100% terisi" in header
    assert "Menuju WBK: memenuhi nilai ambang" in header


def test_htmx_save_of_counts_shows_the_computed_percentage(cycle, staff, client_for):
    response = client_for(staff).post(
        save_url(cycle, "A.MP.RFM.i.a"),
        {"input-n1": "10", "input-n2": "8", "version": "0"},
        headers=HTMX,
    )

    html = response.content.decode()
    assert "80,0%" in html
    # 0.8 / 2 × 2 = 0.80 on the area
    assert '<strong class="area-score">0,80</strong>' in html
    assert Answer.objects.get(cycle=cycle).inputs == {"n1": 10, "n2": 8}


def test_plain_post_without_javascript_saves_and_redirects_to_the_question(
    cycle, staff, client_for
):
    response = client_for(staff).post(
        save_url(cycle, "A.MP.PMN.i.b"), {"option": "B", "note": "  sebagian  ", "version": "0"}
    )

    assert response.status_code == 302
    assert response["Location"] == area_url(cycle) + "#q-A-MP-PMN-i-b"
    assert "Jawaban A.MP.PMN.i.b disimpan." in messages_of(response)
    answer = Answer.objects.get(cycle=cycle)
    assert (answer.option, answer.note, answer.value) == ("B", "sebagian", Decimal("0.5000"))


def test_plain_post_of_a_hasil_question_goes_back_to_the_hasil_page(cycle, staff, client_for):
    response = client_for(staff).post(save_url(cycle, "B.BBA.a.1"), {"number": "3,5"})

    assert response["Location"] == (
        reverse("change_areas:hasil", kwargs={"pk": cycle.pk}) + "#q-B-BBA-a-1"
    )
    assert Answer.objects.get(cycle=cycle).number == Decimal("3.5")


# --------------------------------------------------------------------------
# Optimistic concurrency


def test_second_save_on_a_stale_version_is_a_conflict_and_keeps_the_first(
    cycle, staff, coordinator
):
    code = "A.MP.PMN.i.b"
    services.answer_save(cycle=cycle, question=question(code), option="C", by=staff)
    seen = Answer.objects.get(cycle=cycle).version  # both people load version N

    services.answer_save(
        cycle=cycle, question=question(code), option="A", by=staff, expected_version=seen
    )
    with pytest.raises(services.AnswerConflict) as clash:
        services.answer_save(
            cycle=cycle, question=question(code), option="B", by=coordinator, expected_version=seen
        )

    assert clash.value.current.option == "A"
    stored = Answer.objects.get(cycle=cycle)
    assert (stored.option, stored.version, stored.updated_by) == ("A", seen + 1, staff)
    assert fresh(cycle).summaries["self"]["indicators"]["A.MP.PMN.i"]["value"] == 0.25


def test_conflict_on_a_question_nobody_had_answered_yet(cycle, staff, coordinator):
    code = "A.MP.PMN.i.b"
    services.answer_save(cycle=cycle, question=question(code), option="A", by=staff)

    with pytest.raises(services.AnswerConflict):
        services.answer_save(
            cycle=cycle, question=question(code), option="C", by=coordinator, expected_version=0
        )
    assert Answer.objects.get(cycle=cycle).option == "A"


def test_page_shows_both_answers_when_someone_else_saved_first(
    cycle, staff, coordinator, client_for
):
    code = "A.MP.PMN.i.b"
    AnswerFactory(cycle=cycle, code=code, option="C", by=staff)
    seen = str(Answer.objects.get(cycle=cycle).version)
    client_for(staff).post(save_url(cycle, code), {"option": "A", "version": seen}, headers=HTMX)

    response = client_for(coordinator).post(
        save_url(cycle, code),
        {"option": "B", "note": "menurut saya", "version": seen},
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "sudah diubah" in html
    assert "Jawaban Anda: <strong>B</strong> — menurut saya" in html
    assert 'value="A" checked' in html  # the stored answer is the one on the form
    assert "Tersimpan." not in html
    assert Answer.objects.get(cycle=cycle).option == "A"


def test_plain_post_on_a_stale_version_shows_both_answers_and_keeps_the_first(
    cycle, staff, coordinator, client_for
):
    code = "A.MP.PMN.i.b"
    AnswerFactory(cycle=cycle, code=code, option="C", by=staff)
    seen = str(Answer.objects.get(cycle=cycle).version)
    client_for(staff).post(save_url(cycle, code), {"option": "A", "version": seen})

    response = client_for(coordinator).post(
        save_url(cycle, code), {"option": "B", "note": "versi saya", "version": seen}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "sudah diubah orang lain" in page
    assert "Jawaban tersimpan" in page and "Jawaban Anda" in page and "versi saya" in page
    assert 'name="option" value="B"' in page  # one click saves one's own answer knowingly
    assert Answer.objects.get(cycle=cycle).option == "A"


def test_two_people_answering_a_fresh_question_through_the_page_conflict(
    cycle, staff, coordinator, client_for
):
    """Both load the unanswered question (the form carries version 0); the second is warned."""
    code = "A.MP.PMN.i.b"
    client_for(staff).post(save_url(cycle, code), {"option": "A", "version": "0"}, headers=HTMX)

    response = client_for(coordinator).post(
        save_url(cycle, code), {"option": "C", "version": "0"}, headers=HTMX
    )

    assert "sudah diubah" in response.content.decode()
    assert Answer.objects.get(cycle=cycle).option == "A"


# --------------------------------------------------------------------------
# Who may save


@pytest.mark.parametrize("role", ["viewer", "tpi_reviewer", "tpn_reviewer"])
def test_people_without_the_edit_right_get_403_on_saving(cycle, client_for, request, role):
    person = request.getfixturevalue(role)

    response = client_for(person).post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya"})

    assert response.status_code == 403
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_reviewer_cannot_save_the_self_assessment_through_the_service(cycle, tpi_reviewer):
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=cycle, question=question("A.MP.PMN.i.a"), option="Ya", by=tpi_reviewer
        )
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_outsider_gets_404_on_saving(cycle, outsider, client_for):
    response = client_for(outsider).post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya"})

    assert response.status_code == 404
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_anonymous_is_sent_to_the_login_page(cycle, client_for):
    response = client_for(None).post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya"})

    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert not Answer.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize("role", ["staff", "coordinator", "unit_admin"])
def test_unit_members_with_the_edit_right_may_save(cycle, client_for, request, role):
    person = request.getfixturevalue(role)

    response = client_for(person).post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya"})

    assert response.status_code == 302
    assert Answer.objects.get(cycle=cycle).updated_by == person


def test_attaching_evidence_needs_the_edit_right(cycle, staff, viewer, outsider, client_for):
    document = EvidenceFactory(unit=cycle.unit, title="SK Tim")
    url = reverse(
        "change_areas:answer_evidence", kwargs={"pk": cycle.pk, "question_code": "A.MP.PMN.i.a"}
    )
    data = {"action": "attach", "evidence": document.pk}

    assert client_for(viewer).post(url, data).status_code == 403
    assert client_for(outsider).post(url, data).status_code == 404
    assert not Answer.objects.filter(cycle=cycle).exists()
    assert client_for(staff).post(url, data).status_code == 302
    assert list(Answer.objects.get(cycle=cycle).evidence.all()) == [document]


# --------------------------------------------------------------------------
# Editing windows and stages


def test_after_the_fill_window_closed_saving_is_refused_and_the_page_says_since_when(
    unit, staff, client_for
):
    cycle = CycleFactory(
        unit=unit,
        year=2021,
        fill_opens=datetime.date(2021, 5, 1),
        fill_closes=datetime.date(2021, 6, 10),
    )
    client = client_for(staff)

    response = client.post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya"})
    assert response.status_code == 403
    assert not Answer.objects.filter(cycle=cycle).exists()
    with pytest.raises(PermissionDenied):
        services.answer_save(cycle=cycle, question=question("A.MP.PMN.i.a"), option="Ya", by=staff)

    page = client.get(area_url(cycle)).content.decode()
    assert "Pengisian ditutup sejak Kamis, 10 Juni 2021." in page
    assert "Simpan jawaban" not in page


def test_before_the_fill_window_opens_saving_is_refused_and_the_page_says_when(
    unit, staff, client_for
):
    cycle = CycleFactory(
        unit=unit,
        year=2090,
        fill_opens=datetime.date(2090, 6, 1),
        fill_closes=datetime.date(2090, 7, 1),
    )
    client = client_for(staff)

    assert client.post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya"}).status_code == 403
    assert not Answer.objects.filter(cycle=cycle).exists()
    page = client.get(area_url(cycle)).content.decode()
    assert "Pengisian baru dibuka pada Kamis, 1 Juni 2090." in page


def test_inside_the_fill_window_saving_works_and_the_page_says_until_when(unit, staff, client_for):
    today = timezone.localdate()
    cycle = CycleFactory(
        unit=unit,
        year=today.year,
        fill_opens=today - datetime.timedelta(days=1),
        fill_closes=today + datetime.timedelta(days=1),
    )
    client = client_for(staff)

    assert client.post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Ya"}).status_code == 302
    assert Answer.objects.filter(cycle=cycle).count() == 1
    assert "Pengisian dibuka sampai" in client.get(area_url(cycle)).content.decode()


def test_self_assessment_is_locked_once_the_stage_moves_to_the_tpi(
    cycle, staff, coordinator, client_for
):
    AnswerFactory(cycle=cycle, by=staff)
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.EVALUASI_TPI)
    client = client_for(coordinator)

    response = client.post(save_url(cycle, "A.MP.PMN.i.a"), {"option": "Tidak", "version": "1"})

    assert response.status_code == 403
    assert Answer.objects.get(cycle=cycle).option == "Ya"
    page = client.get(area_url(cycle)).content.decode()
    assert "terkunci" in page
    assert "Simpan jawaban" not in page
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=fresh(cycle), question=question("A.MP.PMN.i.a"), option="Tidak", by=staff
        )


def test_commands_save_without_a_person_even_when_the_window_is_closed(unit):
    """`by=None` is the system itself (imports, commands): no permission or window check."""
    cycle = CycleFactory(
        unit=unit,
        year=2021,
        fill_opens=datetime.date(2021, 5, 1),
        fill_closes=datetime.date(2021, 6, 10),
    )
    answer, _card = services.answer_save(
        cycle=cycle, question=question("A.MP.PMN.i.a"), option="Ya", layer=Layer.SELF
    )
    assert answer.updated_by is None
    assert fresh(cycle).self_total == Decimal("0.2500")
