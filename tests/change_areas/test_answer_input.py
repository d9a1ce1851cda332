"""What a typed answer may hold: numbers read in the person's language, bounds and limits
between inputs declared once for the question, and the edit version every post must carry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from change_areas import scoring, selectors, services
from change_areas.forms import AnswerForm
from change_areas.models import Answer, Layer
from tests.change_areas.helpers import (
    HTMX,
    RETURNED,
    answer_of,
    area_url,
    fresh,
    question,
    review_save_url,
    save_url,
    url,
)
from tests.pages import messages_of

LHKPN = "A.PW.RFM.iii.LHKPN.a"  # n1 = n2 + n3 + n4 (computed), value n5 ÷ n1
INTEGRATED = "A.MP.RFM.i.b"  # changes integrated (n2) of changes made (n1)
AGENTS = "A.MP.RFM.i.a"  # changes made (n2) by change agents (n1): may exceed, capped at 100 %
IPAK = "B.BBA.a.1"  # survey index 0–4


def spec(code: str) -> scoring.QuestionSpec:
    return selectors.question_spec(question(code))


def post(client, cycle, code: str, data: dict, **headers):
    return client.post(save_url(cycle, code), {"version": "0", **data}, **headers)


# --------------------------------------------------------------------------
# Numbers as people type them


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("id", "1.234", 1234),  # one thousand two hundred thirty-four, as Indonesians write it
        ("id", "1234", 1234),
        ("id", "12", 12),
        ("en", "1,234", 1234),
    ],
)
def test_a_count_is_read_in_the_persons_language(cycle, staff, client_for, language, typed, stored):
    client = client_for(staff)
    client.cookies["django_language"] = language

    response = post(client, cycle, INTEGRATED, {"input-n1": typed, "input-n2": "12"})

    assert response.status_code == 302
    assert Answer.objects.get(cycle=cycle).inputs == {"n1": stored, "n2": 12}


@pytest.mark.parametrize(("typed", "stored"), [("3,75", "3.75"), ("3.75", "3.75"), ("4", "4")])
def test_a_survey_index_is_read_with_the_indonesian_decimal_comma(
    cycle, staff, client_for, typed, stored
):
    response = post(client_for(staff), cycle, IPAK, {"number": typed})

    assert response.status_code == 302
    assert Answer.objects.get(cycle=cycle).number == Decimal(stored)


@pytest.mark.parametrize(
    ("code", "data", "message"),
    [
        (INTEGRATED, {"input-n1": "1.234,5", "input-n2": "1"}, "jumlah harus bilangan bulat"),
        (INTEGRATED, {"input-n1": "99999999999999999999", "input-n2": "1"}, "paling banyak"),
        (INTEGRATED, {"input-n1": "1e309", "input-n2": "1"}, "paling banyak 10.000.000"),
        (INTEGRATED, {"input-n1": "NaN", "input-n2": "1"}, "bukan angka"),
        (IPAK, {"number": "1e309"}, "Nilai survei harus antara 0 dan 4"),
        (IPAK, {"number": "Infinity"}, "bukan angka"),
        (IPAK, {"number": "-0,5"}, "Nilai survei harus antara 0 dan 4"),
    ],
    ids=["decimal-count", "huge-count", "1e309", "nan", "huge-index", "infinity", "negative"],
)
def test_numbers_outside_their_bounds_are_refused_with_the_reason(
    cycle, staff, client_for, code, data, message
):
    response = post(client_for(staff), cycle, code, data)

    assert any(message in text for text in messages_of(response)), messages_of(response)
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_minus_zero_is_zero(cycle, staff, client_for):
    post(client_for(staff), cycle, INTEGRATED, {"input-n1": "-0", "input-n2": "0"})

    assert Answer.objects.get(cycle=cycle).inputs == {"n1": 0, "n2": 0}


def test_the_page_shows_stored_numbers_as_they_are_typed(cycle, staff, client_for):
    services.answer_save(
        cycle=cycle, question=question(INTEGRATED), inputs={"n1": 1234, "n2": 12}, by=staff
    )
    services.answer_save(cycle=cycle, question=question(IPAK), number=3.75, by=staff)
    client = client_for(staff)

    area = client.get(area_url(cycle))
    hasil = client.get(url("hasil", cycle))

    assert 'name="input-n1" inputmode="numeric" autocomplete="off" value="1.234"' in (
        area.content.decode()
    )
    assert 'value="3,75"' in hasil.content.decode()


# --------------------------------------------------------------------------
# Limits between inputs, declared once in the question's rule


def test_the_rule_declares_bounds_and_limits_once(db):
    constraints = scoring.input_constraints(spec(LHKPN))

    assert set(constraints.bounds) == {"n2", "n3", "n4", "n5"}  # n1 is computed
    assert constraints.bounds["n5"] == scoring.Bounds(0, scoring.MAX_COUNT, whole=True)
    assert constraints.limits == (scoring.Limit("n5", "n1"),)
    assert scoring.input_constraints(spec(AGENTS)).limits == ()  # `limits: {}` in the rule
    assert scoring.input_constraints(spec(IPAK)).bounds == {
        "number": scoring.Bounds(0, 4, whole=False)
    }


def test_a_numerator_above_its_denominator_is_refused_not_capped(cycle, staff, client_for):
    response = post(client_for(staff), cycle, INTEGRATED, {"input-n1": "3", "input-n2": "5"})

    assert messages_of(response) == [
        f"{INTEGRATED}: Jumlah Perubahan yang telah diintegrasikan dalam sistem manajemen (5) "
        "tidak boleh lebih dari Jumlah Perubahan yang dibuat (3)."
    ]
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_a_count_beside_a_zero_denominator_is_refused(cycle, staff, client_for):
    response = post(client_for(staff), cycle, INTEGRATED, {"input-n1": "0", "input-n2": "3"})

    assert "tidak boleh lebih dari Jumlah Perubahan yang dibuat (0)" in messages_of(response)[0]
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_zero_of_zero_is_allowed_and_scores_as_the_rule_says(cycle, staff, client_for):
    post(client_for(staff), cycle, INTEGRATED, {"input-n1": "0", "input-n2": "0"})

    assert Answer.objects.get(cycle=cycle).value == Decimal("0")  # if_zero_denominator: 0


def test_a_limit_may_name_a_computed_input(cycle, staff, client_for):
    data = {"input-n2": "1", "input-n3": "5", "input-n4": "2", "input-n5": "9"}

    response = post(client_for(staff), cycle, LHKPN, data, headers=HTMX)

    html = response.content.decode()
    assert "Jumlah Lainnya yang sudah melaporkan (9) tidak boleh lebih dari" in html
    assert "Jumlah yang harus melaporkan (8)" in html
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_more_changes_than_change_agents_is_a_full_score_not_an_error(cycle, staff, client_for):
    post(client_for(staff), cycle, AGENTS, {"input-n1": "10", "input-n2": "15"})

    assert Answer.objects.get(cycle=cycle).value == Decimal("1")


def test_the_service_holds_the_same_limits_for_imports_and_scripts(cycle, staff):
    with pytest.raises(ValidationError, match="tidak boleh lebih dari"):
        services.answer_save(
            cycle=cycle, question=question(INTEGRATED), inputs={"n1": 3, "n2": 5}, by=staff
        )
    with pytest.raises(ValidationError, match="paling banyak"):
        services.answer_save(
            cycle=cycle, question=question(INTEGRATED), inputs={"n1": 10**20, "n2": 5}, by=staff
        )
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_the_form_takes_an_imported_number_as_it_is(db):
    form = AnswerForm(
        {"input-n1": Decimal("1234"), "input-n2": 7, "note": ""}, question=spec(INTEGRATED)
    )

    assert form.is_valid(), form.errors
    assert form.answer().inputs == {"n1": 1234, "n2": 7}


# --------------------------------------------------------------------------
# The edit version: required, never skipped


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "1.5", "٣", "9" * 30])
def test_a_save_without_a_readable_version_is_a_400_and_keeps_the_stored_answer(
    cycle, staff, client_for, version
):
    services.answer_save(cycle=cycle, question=question("A.MP.PMN.i.b"), option="A", by=staff)
    stored = Answer.objects.get(cycle=cycle)
    summaries = fresh(cycle).summaries
    data = {"option": "C"} if version is None else {"option": "C", "version": version}

    response = client_for(staff).post(save_url(cycle, "A.MP.PMN.i.b"), data)

    assert response.status_code == 400
    assert "tidak membawa versi" in response.content.decode()
    answer = Answer.objects.get(cycle=cycle)
    assert (answer.option, answer.version) == ("A", stored.version)
    assert fresh(cycle).summaries == summaries


def test_a_reviewers_save_without_a_version_is_a_400_too(submitted, tpi_reviewer, client_for):
    before = answer_of(submitted, RETURNED, Layer.TPI)

    response = client_for(tpi_reviewer).post(review_save_url(submitted), {"option": "Tidak"})

    assert response.status_code == 400
    after = answer_of(submitted, RETURNED, Layer.TPI)
    assert (after.option, after.version) == (before.option, before.version)
