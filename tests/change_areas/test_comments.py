"""The comment thread of a question: both sides on one thread, the other side told,
what a comment may hold and who may write one."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from change_areas import services
from change_areas.models import Comment, Layer, Notification, Question
from tests.change_areas.helpers import (
    HTMX,
    RETURNED,
    comment_url,
    notified,
    question,
    recipients,
    review_url,
)
from tests.pages import messages_of


def test_unit_and_tpi_write_on_one_thread_with_their_sides(submitted, staff, tpi_reviewer):
    services.comment_add(
        cycle=submitted, question=question(RETURNED), body="SK ada di bukti dukung.", by=staff
    )
    services.comment_add(
        cycle=submitted,
        question=question(RETURNED),
        body="SK belum bertanda tangan.",
        by=tpi_reviewer,
    )

    thread = Comment.objects.filter(cycle=submitted, question__code=RETURNED)
    assert [(c.author, c.author_side, c.body) for c in thread] == [
        (staff, Layer.SELF, "SK ada di bukti dukung."),
        (tpi_reviewer, Layer.TPI, "SK belum bertanda tangan."),
    ]


def test_the_other_side_is_notified_of_a_comment(
    submitted, staff, coordinator, tpi_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(
            cycle=submitted, question=question(RETURNED), body="Mohon dicek lagi.", by=staff
        )
    assert notified(submitted, "comment") == {"tpi"}
    assert recipients(mailoutbox) == ["tpi@example.go.id"]
    assert RETURNED in mailoutbox[0].subject

    Notification.objects.all().delete()
    services.comment_add(
        cycle=submitted, question=question(RETURNED), body="Sudah kami cek.", by=tpi_reviewer
    )
    assert notified(submitted, "comment") == {"staff", "coordinator"}


def test_a_unit_comment_during_pre_assessment_notifies_the_pre_reviewer(
    pre_cycle, coordinator, staff, pre_reviewer, tpi_reviewer
):
    services.cycle_submit(cycle=pre_cycle, by=coordinator)
    Notification.objects.all().delete()

    services.comment_add(
        cycle=pre_cycle, question=question(RETURNED), body="Mohon arahan.", by=staff
    )

    assert notified(pre_cycle, "comment") == {"pre"}


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 5001])
def test_empty_or_too_long_comments_are_refused(submitted, staff, body):
    with pytest.raises(ValidationError):
        services.comment_add(cycle=submitted, question=question(RETURNED), body=body, by=staff)

    assert not Comment.objects.exists()


def test_a_comment_of_5000_characters_is_kept_whole(submitted, staff):
    services.comment_add(cycle=submitted, question=question(RETURNED), body="x" * 5000, by=staff)

    assert len(Comment.objects.get().body) == 5000


def test_a_viewer_may_not_comment_and_an_outsider_gets_404(submitted, viewer, outsider):
    with pytest.raises(PermissionDenied):
        services.comment_add(cycle=submitted, question=question(RETURNED), body="Bagus", by=viewer)
    with pytest.raises(Http404):
        services.comment_add(
            cycle=submitted, question=question(RETURNED), body="Bagus", by=outsider
        )

    assert not Comment.objects.exists()


def test_a_question_of_another_framework_cannot_carry_a_comment(submitted, staff, catalogs):
    legacy = Question.objects.filter(framework__code="permenpan-rb-52-2014").first()

    with pytest.raises(ValidationError):
        services.comment_add(cycle=submitted, question=legacy, body="Salah LKE", by=staff)


# --------------------------------------------------------------------------
# On the pages


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
