"""Review in rounds: the reviewer returns questions and keeps reviewing the others, returns
more in a later round; the unit fixes exactly what it holds and hands questions back
one by one or all at once; an unchanged question is handed back only when confirmed,
and recorded so; each round keeps what the unit changed, field by field."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from change_areas import selectors, services
from change_areas.models import (
    Layer,
    Notification,
    QuestionReview,
    ReturnedQuestion,
    ReviewRound,
    ReviewStatus,
    RoundOutcome,
    Stage,
)
from tests.change_areas.helpers import (
    HTMX,
    REASON,
    RETURNED,
    accept_all,
    answer_of,
    fresh,
    mark,
    notified,
    question,
    recipients,
    review_save_url,
    review_url,
    save_url,
    url,
)
from tests.factories import EvidenceFactory

SECOND = "A.MP.PMN.ii.b"  # returned in the second round


def status_of(cycle, code: str) -> str:
    return QuestionReview.objects.get(cycle=cycle, question__code=code, layer=Layer.TPI).status


def test_return_needs_a_question_marked_perlu_perbaikan(submitted, tpi_reviewer):
    accept_all(submitted, Layer.TPI, tpi_reviewer)

    with pytest.raises(ValidationError):
        services.cycle_return(cycle=submitted, layer=Layer.TPI, by=tpi_reviewer)

    stored = fresh(submitted)
    assert (stored.stage, stored.revision_layer) == (Stage.EVALUASI_TPI, "")
    assert not ReviewRound.objects.exists()


def test_a_return_is_a_round_and_the_cycle_stays_with_the_tpi(
    submitted, tpi_reviewer, coordinator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    mark(submitted, RETURNED, tpi_reviewer)
    mark(submitted, "A.PW.PMN.i.a", tpi_reviewer, reason="Dokumen kurang\nLampirkan SK.")

    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_return(cycle=submitted, layer=Layer.TPI, by=tpi_reviewer)

    stored = fresh(submitted)
    assert (stored.stage, stored.revision_layer) == (Stage.EVALUASI_TPI, Layer.TPI)
    (review_round,) = ReviewRound.objects.filter(cycle=stored)
    assert (review_round.number, review_round.returned_by) == (1, tpi_reviewer)
    items = {item.question.code: item for item in review_round.items.all()}
    assert set(items) == {RETURNED, "A.PW.PMN.i.a"}
    assert items["A.PW.PMN.i.a"].reason == "Dokumen kurang\nLampirkan SK."
    assert items[RETURNED].before["option"] == "Ya"  # the unit's answer as returned
    assert status_of(stored, RETURNED) == ReviewStatus.RETURNED
    assert status_of(stored, "A.MP.PMN.i.b") == ReviewStatus.PENDING  # not reviewed yet
    assert notified(stored, "return") == {"coordinator", "staff"}
    for notice in Notification.objects.filter(verb="return"):
        assert RETURNED in notice.message and "putaran 1" in notice.message
    assert recipients(mailoutbox) == ["coordinator@example.go.id", "staff@example.go.id"]
    event = stored.events.get(action="return")
    assert (event.stage_before, event.stage_after, event.actor) == (
        Stage.EVALUASI_TPI,
        Stage.EVALUASI_TPI,
        tpi_reviewer,
    )


def test_the_tpi_keeps_scoring_and_returns_more_in_a_second_round(returned, tpi_reviewer):
    services.answer_save(
        cycle=returned, question=question(SECOND), layer=Layer.TPI, option="C", by=tpi_reviewer
    )
    mark(returned, SECOND, tpi_reviewer, reason="Target belum terukur")
    services.cycle_return(cycle=returned, layer=Layer.TPI, by=tpi_reviewer)

    assert answer_of(returned, SECOND, Layer.TPI).option == "C"
    assert list(
        ReviewRound.objects.filter(cycle=returned).values_list("number", "items__question__code")
    ) == [(1, RETURNED), (2, SECOND)]
    assert status_of(returned, RETURNED) == status_of(returned, SECOND) == ReviewStatus.RETURNED


def test_a_returned_question_cannot_be_marked_while_the_unit_holds_it(returned, tpi_reviewer):
    with pytest.raises(ValidationError, match="sedang diperbaiki unit"):
        services.review_mark(
            cycle=returned,
            question=question(RETURNED),
            layer=Layer.TPI,
            status=ReviewStatus.ACCEPTED,
            by=tpi_reviewer,
        )
    assert status_of(returned, RETURNED) == ReviewStatus.RETURNED


def test_the_unit_saves_only_the_questions_it_holds(returned, staff):
    services.answer_save(
        cycle=returned, question=question(RETURNED), option="Ya", note="SK terlampir", by=staff
    )
    assert answer_of(returned, RETURNED, Layer.SELF).note == "SK terlampir"

    with pytest.raises(PermissionDenied) as refused:
        services.answer_save(
            cycle=returned, question=question("A.MP.PMN.i.b"), option="C", by=staff
        )

    assert "terkunci" in str(refused.value)
    assert answer_of(returned, "A.MP.PMN.i.b", Layer.SELF).option == "A"


def test_staff_cannot_resubmit(returned, staff):
    with pytest.raises(PermissionDenied):
        services.cycle_resubmit(cycle=returned, by=staff)

    assert status_of(returned, RETURNED) == ReviewStatus.RETURNED


def test_resubmitting_a_changed_answer_records_before_and_after_and_relocks_it(
    returned, coordinator, tpi_reviewer, staff, mailoutbox, django_capture_on_commit_callbacks
):
    evidence = EvidenceFactory(unit=returned.unit, title="SK Tim ZI")
    services.answer_save(
        cycle=returned, question=question(RETURNED), option="Tidak", note="SK direvisi", by=staff
    )
    services.answer_evidence_set(
        cycle=returned, question=question(RETURNED), evidence=evidence, attach=True, by=staff
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_resubmit(cycle=returned, by=coordinator)

    stored = fresh(returned)
    assert (stored.stage, stored.revision_layer) == (Stage.EVALUASI_TPI, "")
    review = QuestionReview.objects.get(cycle=stored, question__code=RETURNED, layer="tpi")
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 1)
    item = ReturnedQuestion.objects.get(question__code=RETURNED)
    assert (item.outcome, item.resubmitted_by) == (RoundOutcome.REVISED, coordinator)
    changes = {
        change.label: (change.before, change.after)
        for change in selectors.snapshot_changes(item.before, item.after)
    }
    assert changes == {
        "Jawaban": ("Ya", "Tidak"),
        "Catatan": ("—", "SK direvisi"),
        "Bukti dukung": ("—", "SK Tim ZI"),
    }
    assert notified(stored, "resubmit") == {"tpi"}
    assert recipients(mailoutbox) == ["tpi@example.go.id"]
    with pytest.raises(PermissionDenied):
        services.answer_save(cycle=stored, question=question(RETURNED), option="Ya", by=staff)


def test_an_unchanged_question_is_resubmitted_only_when_confirmed_and_recorded_so(
    returned, coordinator
):
    with pytest.raises(services.UnchangedAnswers) as refused:
        services.cycle_resubmit(cycle=returned, by=coordinator)

    assert refused.value.codes == [RETURNED]
    assert status_of(returned, RETURNED) == ReviewStatus.RETURNED

    services.cycle_resubmit(cycle=returned, by=coordinator, confirm_unchanged=True)

    assert status_of(returned, RETURNED) == ReviewStatus.UNCHANGED
    item = ReturnedQuestion.objects.get(question__code=RETURNED)
    assert item.outcome == RoundOutcome.UNCHANGED
    assert selectors.snapshot_changes(item.before, item.after) == []


def test_questions_are_handed_back_one_by_one(returned, tpi_reviewer, coordinator, staff):
    mark(returned, SECOND, tpi_reviewer, reason="Target belum terukur")
    services.cycle_return(cycle=returned, layer=Layer.TPI, by=tpi_reviewer)
    services.answer_save(cycle=returned, question=question(SECOND), option="B", by=staff)

    services.cycle_resubmit(cycle=returned, by=coordinator, questions=[question(SECOND)])

    stored = fresh(returned)
    assert status_of(stored, SECOND) == ReviewStatus.REVISED
    assert status_of(stored, RETURNED) == ReviewStatus.RETURNED
    assert stored.revision_layer == Layer.TPI  # the unit still holds one
    with pytest.raises(PermissionDenied):
        services.answer_save(cycle=stored, question=question(SECOND), option="A", by=staff)
    services.answer_save(cycle=stored, question=question(RETURNED), option="Tidak", by=staff)


def test_the_tpi_copy_of_a_revised_answer_follows_it_unless_the_tpi_scored_it(
    returned, tpi_reviewer, coordinator, staff
):
    mark(returned, SECOND, tpi_reviewer, reason="Target belum terukur")
    services.answer_save(
        cycle=returned, question=question(SECOND), layer=Layer.TPI, option="C", by=tpi_reviewer
    )
    services.cycle_return(cycle=returned, layer=Layer.TPI, by=tpi_reviewer)
    services.answer_save(cycle=returned, question=question(RETURNED), option="Tidak", by=staff)
    services.answer_save(cycle=returned, question=question(SECOND), option="B", by=staff)

    services.cycle_resubmit(cycle=returned, by=coordinator)

    assert answer_of(returned, RETURNED, Layer.TPI).option == "Tidak"  # still the copy: follows
    assert answer_of(returned, SECOND, Layer.TPI).option == "C"  # the TPI's own score stands


def test_finalising_waits_for_the_questions_the_unit_holds(returned, tpi_reviewer, coordinator):
    with pytest.raises(ValidationError, match="masih diperbaiki unit"):
        services.cycle_finalise_tpi(cycle=returned, by=tpi_reviewer)

    services.cycle_resubmit(cycle=returned, by=coordinator, confirm_unchanged=True)
    accept_all(returned, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=returned, by=tpi_reviewer)

    assert fresh(returned).stage == Stage.PENGUSULAN


def test_a_second_round_of_the_same_question_counts_two_resubmissions(
    returned, coordinator, tpi_reviewer, staff
):
    services.answer_save(cycle=returned, question=question(RETURNED), option="Tidak", by=staff)
    services.cycle_resubmit(cycle=returned, by=coordinator)
    mark(returned, RETURNED, tpi_reviewer, reason="Masih belum ditandatangani")
    services.cycle_return(cycle=returned, layer=Layer.TPI, by=tpi_reviewer)
    services.answer_save(cycle=returned, question=question(RETURNED), option="Ya", by=staff)

    services.cycle_resubmit(cycle=returned, by=coordinator)

    review = QuestionReview.objects.get(cycle=returned, question__code=RETURNED, layer="tpi")
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 2)
    outcomes = list(
        ReturnedQuestion.objects.filter(question__code=RETURNED)
        .order_by("round__number")
        .values_list("round__number", "before__option", "after__option")
    )
    assert outcomes == [(1, "Ya", "Tidak"), (2, "Tidak", "Ya")]
    assert list(
        returned.events.filter(action__in=["return", "resubmit"]).values_list("action", flat=True)
    ) == ["return", "resubmit", "return", "resubmit"]


# --------------------------------------------------------------------------
# On the pages


def test_the_reviewer_returns_questions_on_the_review_page(submitted, tpi_reviewer, client_for):
    mark(submitted, RETURNED, tpi_reviewer)

    response = client_for(tpi_reviewer).post(
        reverse("change_areas:cycle_return", kwargs={"pk": submitted.pk, "layer": "tpi"}),
        {"note": "Lengkapi SK"},
    )

    assert response.status_code == 302
    stored = fresh(submitted)
    assert stored.stage == Stage.EVALUASI_TPI
    assert stored.events.get(action="return").note == "Lengkapi SK"
    assert ReviewRound.objects.get(cycle=stored).note == "Lengkapi SK"


def test_during_a_round_the_review_page_stays_open_for_the_tpi(returned, tpi_reviewer, client_for):
    client = client_for(tpi_reviewer)

    page = client.get(review_url(returned))
    saved = client.post(review_save_url(returned, "A.MP.PMN.i.b"), {"option": "B"}, headers=HTMX)

    html = page.content.decode()
    assert f'action="{review_save_url(returned, "A.MP.PMN.i.b")}"' in html
    block = re.search(r'id="q-A-MP-PMN-i-a"(.*?)id="q-A-MP-PMN-i-b"', html, re.S).group(1)
    assert "Dikembalikan ke unit" in block and "sedang diperbaiki unit" in block
    assert "Putaran 1" in block
    assert saved.status_code == 200
    assert answer_of(returned, "A.MP.PMN.i.b", Layer.TPI).option == "B"


def test_during_a_round_the_area_page_opens_only_the_returned_question(
    returned, coordinator, client_for
):
    response = client_for(coordinator).get(
        reverse("change_areas:area", kwargs={"pk": returned.pk, "area_code": "A.MP"})
    )

    html = response.content.decode()
    block = re.search(r'id="q-A-MP-PMN-i-a"(.*?)id="q-A-MP-PMN-i-b"', html, re.S).group(1)
    assert REASON in block and "Dikembalikan ke unit" in block
    assert "Jawaban belum diubah sejak dikembalikan." in block
    assert 'name="confirm_unchanged"' in block
    assert f'action="{save_url(returned, RETURNED)}"' in html
    assert f'action="{save_url(returned, "A.MP.PMN.i.b")}"' not in html
    assert html.count('class="answer-form"') == 1


def test_during_a_round_saving_another_question_is_403(returned, staff, client_for):
    client = client_for(staff)

    refused = client.post(save_url(returned, "A.MP.PMN.i.b"), {"option": "C"})
    saved = client.post(save_url(returned, RETURNED), {"option": "Ya", "note": "SK terlampir"})

    assert refused.status_code == 403
    assert answer_of(returned, "A.MP.PMN.i.b", Layer.SELF).option == "A"
    assert saved.status_code == 302
    assert answer_of(returned, RETURNED, Layer.SELF).note == "SK terlampir"


def test_the_overview_lists_what_the_unit_holds_and_whether_it_changed(
    returned, coordinator, staff, client_for
):
    html = client_for(coordinator).get(returned.get_absolute_url()).content.decode()
    staff_html = client_for(staff).get(returned.get_absolute_url()).content.decode()

    assert RETURNED in html and REASON in html and "belum diubah" in html
    assert f'action="{url("cycle_resubmit", returned)}"' in html
    assert 'name="confirm_unchanged"' in html
    assert REASON in staff_html
    assert f'action="{url("cycle_resubmit", returned)}"' not in staff_html
    assert f"Perbaikan diajukan ulang oleh {coordinator}." in staff_html


def test_resubmitting_unchanged_without_confirming_changes_nothing(
    returned, coordinator, client_for
):
    response = client_for(coordinator).post(url("cycle_resubmit", returned), follow=True)

    assert "belum diubah sejak dikembalikan" in response.content.decode()
    assert status_of(returned, RETURNED) == ReviewStatus.RETURNED


def test_the_coordinator_resubmits_one_question_from_its_card(
    returned, coordinator, staff, client_for
):
    client_for(staff).post(save_url(returned, RETURNED), {"option": "Tidak"})

    page = f"/siklus/{returned.pk}/area/A.MP/"
    response = client_for(coordinator).post(
        url("cycle_resubmit", returned), {"question": RETURNED, "next": page}
    )

    assert response.status_code == 302
    assert response["Location"] == page
    review = QuestionReview.objects.get(cycle=returned, question__code=RETURNED)
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 1)


def test_staff_get_403_on_resubmitting(returned, staff, client_for):
    response = client_for(staff).post(url("cycle_resubmit", returned))

    assert response.status_code == 403
    assert status_of(returned, RETURNED) == ReviewStatus.RETURNED


def test_the_rounds_page_shows_each_round_with_before_and_after(
    returned, coordinator, staff, tpi_reviewer, client_for
):
    services.answer_save(
        cycle=returned, question=question(RETURNED), option="Tidak", note="Diperbaiki", by=staff
    )
    services.cycle_resubmit(cycle=returned, by=coordinator)

    response = client_for(tpi_reviewer).get(
        reverse("change_areas:review_rounds", kwargs={"pk": returned.pk, "layer": "tpi"})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Putaran 1" in html and RETURNED in html and REASON in html
    assert "Ya" in html and "Tidak" in html and "Diperbaiki" in html
