"""The REST API: its OpenAPI document, tokens (hashed, expiring, revocable, read-only),
writes through the same services and history as the pages, throttling, query counts."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.utils import timezone
from openapi_spec_validator import validate

from change_areas import services
from change_areas.models import Layer
from integrations import services as integration_services
from integrations.api import api
from integrations.models import AccessToken, digest
from tests.clock import on
from tests.factories import CycleFactory, UnitFactory, member
from units.models import Role

API = "/api/v1"


def token_for(user, *, read_only: bool = False, days: int = 30) -> str:
    return integration_services.token_create(
        user=user, name="uji", read_only=read_only, days=days, by=user
    )[1]


def get(client, path: str, token: str | None = None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(API + path, params, **headers)


def put(client, path: str, token: str, body: dict):
    return client.put(
        API + path,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_openapi_document_validates(client, db):
    document = client.get(f"{API}/openapi.json").json()
    validate(document)
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert f"{API}/cycles/{{pk}}/answers/{{layer}}/{{question_code}}" in document["paths"]
    validate(json.loads(json.dumps(api.get_openapi_schema())))


def test_the_documentation_page_uses_our_own_static_files(client, db):
    page = client.get(f"{API}/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_a_token_is_stored_only_as_its_digest(coordinator):
    token, secret = integration_services.token_create(user=coordinator, name="x", by=coordinator)
    assert secret.startswith("zit_") and len(secret) > 40
    assert token.digest == digest(secret)
    assert secret not in json.dumps(list(AccessToken.objects.values()), default=str)


def test_a_token_acts_as_its_person(client, coordinator):
    body = get(client, "/me", token_for(coordinator)).json()
    assert body["username"] == "coordinator"
    assert body["read_only"] is False


def test_no_token_an_unknown_a_revoked_or_an_expired_token_get_401(client, coordinator):
    assert get(client, "/me").status_code == 401
    assert get(client, "/me", "zit_not-a-token").status_code == 401
    token, secret = integration_services.token_create(user=coordinator, name="x", by=coordinator)
    assert get(client, "/me", secret).status_code == 200
    integration_services.token_revoke(token=token, by=coordinator)
    assert get(client, "/me", secret).status_code == 401
    _token, later = integration_services.token_create(
        user=coordinator, name="y", days=1, by=coordinator
    )
    with on(timezone.localdate() + datetime.timedelta(days=3)):
        assert get(client, "/me", later).status_code == 401


def test_a_deactivated_person_s_token_stops_working(client, coordinator):
    secret = token_for(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert get(client, "/me", secret).status_code == 401


def test_a_token_sees_the_roles_of_its_person_at_each_call(client, unit, staff):
    secret = token_for(staff)
    assert get(client, f"/units/{unit.code}", secret).status_code == 200
    staff.memberships.all().delete()
    assert get(client, f"/units/{unit.code}", secret).status_code == 404


def test_an_answer_written_through_the_api_goes_through_the_service_with_history(
    client, cycle, coordinator
):
    response = put(
        client,
        f"/cycles/{cycle.pk}/answers/self/A.MP.PMN.i.b",
        token_for(coordinator),
        {"option": "B", "note": "sebagian"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == 0.5
    answer = cycle.answers.get(question__code="A.MP.PMN.i.b", layer=Layer.SELF)
    assert (answer.option, answer.updated_by) == ("B", coordinator)
    assert answer.history.first().history_user == coordinator
    cycle.refresh_from_db()
    assert float(cycle.self_total) == pytest.approx(0.125)  # 0,5 of 2 questions × 0,5


def test_a_percentage_answer_takes_its_counts_by_key(client, cycle, coordinator):
    response = put(
        client,
        f"/cycles/{cycle.pk}/answers/self/A.MP.RFM.i.a",
        token_for(coordinator),
        {"inputs": {"n1": 4, "n2": 3}},
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == 0.75


def test_a_bad_answer_gets_422_and_changes_nothing(client, cycle, coordinator):
    response = put(
        client,
        f"/cycles/{cycle.pk}/answers/self/A.MP.PMN.i.b",
        token_for(coordinator),
        {"option": "Z"},
    )
    assert response.status_code == 422
    assert "Z" in response.json()["detail"]
    assert not cycle.answers.exists()


def test_an_unknown_question_code_is_404(client, cycle, coordinator):
    response = put(
        client, f"/cycles/{cycle.pk}/answers/self/X.Y.Z", token_for(coordinator), {"option": "Ya"}
    )
    assert response.status_code == 404


def test_an_answer_changed_since_it_was_read_gets_409_with_the_current_one(
    client, cycle, coordinator, staff
):
    question = cycle.framework.questions.get(code="A.MP.PMN.i.a")
    answer, _card = services.answer_save(cycle=cycle, question=question, option="Ya", by=staff)
    response = put(
        client,
        f"/cycles/{cycle.pk}/answers/self/A.MP.PMN.i.a",
        token_for(coordinator),
        {"option": "Tidak", "expected_version": answer.version - 1},
    )
    assert response.status_code == 409
    assert response.json()["option"] == "Ya"


def test_the_workflow_rules_hold_for_the_api_too(client, submitted, coordinator):
    """Once submitted, the unit's layer is closed: the same refusal as on the page."""
    response = put(
        client,
        f"/cycles/{submitted.pk}/answers/self/A.MP.PMN.i.a",
        token_for(coordinator),
        {"option": "Tidak"},
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    assert submitted.answers.get(question__code="A.MP.PMN.i.a", layer="self").option == "Ya"


def test_a_tpi_score_shows_only_once_final(client, submitted, tpi_reviewer, coordinator):
    secret = token_for(coordinator)
    assert get(client, f"/cycles/{submitted.pk}", secret).json()["tpi_total"] is None
    from tests.change_areas.helpers import accept_all

    accept_all(submitted, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)
    assert get(client, f"/cycles/{submitted.pk}", secret).json()["tpi_total"] == 100


def test_scorecards_per_layer(client, filled_cycle, coordinator):
    body = get(client, f"/cycles/{filled_cycle.pk}/scorecards/self", token_for(coordinator)).json()
    assert body["total"] == 100
    assert {c["code"] for c in body["components"]} == {"A", "B"}
    assert (
        get(
            client, f"/cycles/{filled_cycle.pk}/scorecards/nope", token_for(coordinator)
        ).status_code
        == 404
    )


def test_progress_is_logged_through_the_service(client, cycle, staff):
    from tests.factories import WorkPlanItemFactory

    item = WorkPlanItemFactory(cycle=cycle)
    response = client.post(
        f"{API}/cycles/{cycle.pk}/work-plan/{item.pk}/progress",
        json.dumps({"percent": 100, "note": "Selesai"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(staff)}",
    )
    assert response.status_code == 201
    item.refresh_from_db()
    assert (item.percent, item.status) == (100, "selesai")
    plan = get(client, f"/cycles/{cycle.pk}/work-plan", token_for(staff)).json()
    assert plan[0]["progress"][0]["note"] == "Selesai"


def test_an_item_of_another_cycle_is_404(client, cycle, staff, unit):
    from tests.factories import WorkPlanItemFactory

    other = WorkPlanItemFactory(cycle=CycleFactory(unit=unit, year=2025))
    response = client.post(
        f"{API}/cycles/{cycle.pk}/work-plan/{other.pk}/progress",
        json.dumps({"percent": 10, "note": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(staff)}",
    )
    assert response.status_code == 404


def test_calls_beyond_the_rate_are_refused_with_429(client, coordinator, monkeypatch):
    token_throttle = api.throttle[0]
    monkeypatch.setattr(token_throttle, "num_requests", 3)
    cache.clear()
    secret = token_for(coordinator)
    statuses = [get(client, "/me", secret).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    cache.clear()


def test_the_unit_list_is_scoped_and_costs_the_same_for_one_or_many_units(
    client, province, outsider, django_assert_num_queries
):
    secret = token_for(outsider)
    get(client, "/me", secret)  # the token's first use is recorded once
    # token, the rate counter in the shared database cache (read, cull count, read, write),
    # memberships, count, page
    with django_assert_num_queries(10):
        first = get(client, "/units", secret).json()
    assert [u["code"] for u in first["items"]] == ["OTHER"]
    member_unit = outsider.memberships.get().unit
    for number in range(5):
        UnitFactory(code=f"SUB{number}", parent=member_unit)
    with django_assert_num_queries(10):
        many = get(client, "/units", secret).json()
    assert many["count"] == 6
    assert {u["parent_code"] for u in many["items"][1:]} == {"OTHER"}


def test_answer_lists_cost_the_same_for_one_or_all_answers(
    client, unit, coordinator, django_assert_num_queries
):
    one = CycleFactory(unit=unit, year=2024, filled=True, leave_out=())
    secret = token_for(coordinator)
    get(client, "/me", secret)  # the token's first use is recorded once
    # token, the rate counter in the shared database cache (4), cycle, memberships, answers
    with django_assert_num_queries(10):
        answers = get(client, f"/cycles/{one.pk}/answers/self", secret).json()
    assert len(answers) == 113
    sparse = CycleFactory(unit=unit, year=2023)
    services.answer_save(
        cycle=sparse, question=sparse.framework.questions.get(code="A.MP.PMN.i.a"), option="Ya"
    )
    with django_assert_num_queries(10):
        assert len(get(client, f"/cycles/{sparse.pk}/answers/self", secret).json()) == 1


def test_the_public_registry_needs_no_token_and_shows_held_awards(client, unit):
    from change_areas.models import PredicateAward

    PredicateAward.objects.create(
        unit=unit,
        predicate="wbk",
        year=2024,
        decree_number="KEP/1/2024",
        decree_date=datetime.date(2024, 12, 1),
    )
    body = client.get(f"{API}/registry").json()
    assert body["items"][0]["unit_code"] == "UNIT"
    assert body["items"][0]["decree_number"] == "KEP/1/2024"


def test_a_token_page_shows_a_new_token_once(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(
        "/akun/token/", {"name": "Dasbor", "days": 30, "read_only": "on"}, follow=True
    )
    page = response.content.decode()
    token = AccessToken.objects.get(user=coordinator)
    shown = page.split('data-testid="new-token">')[1].split("<")[0]
    assert digest(shown) == token.digest and token.read_only
    assert 'data-testid="new-token"' not in client.get("/akun/token/").content.decode()


def test_a_person_cannot_revoke_another_s_token(client_for, coordinator, staff):
    token, _secret = integration_services.token_create(user=staff, name="x", by=staff)
    response = client_for(coordinator).post(f"/akun/token/{token.pk}/cabut/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_outsider_token_learns_nothing_of_a_unit(client, unit, outsider):
    secret = token_for(outsider)
    reviewer_elsewhere = member(UnitFactory(code="FAR"), Role.TPI_REVIEWER, "far")
    assert get(client, f"/units/{unit.code}", secret).status_code == 404
    assert get(client, f"/units/{unit.code}", token_for(reviewer_elsewhere)).status_code == 404
    assert get(client, "/units/NO-SUCH-UNIT", secret).status_code == 404
