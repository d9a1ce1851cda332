"""The REST API × every kind of token: the expected status of each cell in one table.

The same world and subjects as tests/test_access_matrix.py, each calling with a personal
access token of their own (able to write); "anonymous" calls without one (401). A token
of a person in another unit ("outsider") gets 404 for everything of UNIT, as the pages do.
`test_every_operation_has_a_row` fails when an operation is added without a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction

from integrations import services as integration_services
from integrations.api import api
from tests.test_access_matrix import SUBJECTS, World, build_world, statuses

NO_TOKEN = 401
PREFIX = "/api/v1"


@dataclass
class ApiRow:
    method: str
    path: str  # as the OpenAPI document writes it
    values: Callable[[World], dict]
    expect: dict[str, int]
    body: Callable[[World], dict] | None = None

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def unit_values(world: World) -> dict:
    return {"code": world.unit.code}


def cycle_values(world: World, **extra) -> dict:
    return {"pk": world.extra["cycle"].pk, **extra}


def no_values(world: World) -> dict:
    return {}


def reviewer_layer(world: World) -> dict:
    return {"pk": world.extra["tpi_cycle"].pk, "layer": "tpi"}


READ = statuses(NO_TOKEN, 404, 200, 200, 200, 200, 200, 200, 200)
REVIEWER_READ = statuses(NO_TOKEN, 404, 403, 403, 200, 200, 403, 200, 200, pre=403)
EVERYONE = statuses(NO_TOKEN, 200, 200, 200, 200, 200, 200, 200, 200)
UNIT_WRITE = statuses(NO_TOKEN, 404, 200, 200, 403, 403, 403, 200, 200)
PROGRESS_WRITE = statuses(NO_TOKEN, 404, 201, 201, 403, 403, 403, 201, 201)
OPEN = statuses(200, 200, 200, 200, 200, 200, 200, 200, 200)

ROWS: list[ApiRow] = [
    ApiRow("GET", "/me", no_values, EVERYONE),
    ApiRow("GET", "/units", no_values, EVERYONE),
    ApiRow("GET", "/units/{code}", unit_values, READ),
    ApiRow("GET", "/units/{code}/cycles", unit_values, READ),
    ApiRow("GET", "/units/{code}/predicates", unit_values, READ),
    ApiRow("GET", "/cycles/{pk}", cycle_values, READ),
    ApiRow("GET", "/cycles/{pk}/scorecards/{layer}", lambda w: cycle_values(w, layer="self"), READ),
    ApiRow("GET", "/cycles/{pk}/scorecards/{layer}", reviewer_layer, REVIEWER_READ),
    ApiRow("GET", "/cycles/{pk}/answers/{layer}", lambda w: cycle_values(w, layer="self"), READ),
    ApiRow("GET", "/cycles/{pk}/answers/{layer}", reviewer_layer, REVIEWER_READ),
    ApiRow(
        "PUT",
        "/cycles/{pk}/answers/{layer}/{question_code}",
        lambda w: cycle_values(w, layer="self", question_code="A.MP.PMN.i.a"),
        UNIT_WRITE,
        body=lambda w: {"option": "Ya", "note": "ada SK"},
    ),
    ApiRow("GET", "/cycles/{pk}/work-plan", cycle_values, READ),
    ApiRow(
        "POST",
        "/cycles/{pk}/work-plan/{item_id}/progress",
        lambda w: cycle_values(w, item_id=w.extra["item"].pk),
        PROGRESS_WRITE,
        body=lambda w: {"percent": 40, "note": "Separuh jalan", "date": "2026-01-15"},
    ),
    ApiRow("GET", "/registry", no_values, OPEN),
]


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.extra["tokens"] = {
            subject: integration_services.token_create(
                user=user, name="matriks", read_only=False, by=user
            )[1]
            for subject, user in world.users.items()
            if user is not None
        }
        yield world
        transaction.set_rollback(True)


def call(client, row: ApiRow, world: World, token: str | None):
    url = PREFIX + row.path.format(**row.values(world))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if row.body is None:
        return client.generic(row.method, url, **headers)
    return client.generic(
        row.method,
        url,
        data=__import__("json").dumps(row.body(world)),
        content_type="application/json",
        **headers,
    )


def test_every_operation_has_a_row():
    schema = api.get_openapi_schema()
    operations = {
        f"{method.upper()} {path.removeprefix(PREFIX)}"
        for path, methods in schema["paths"].items()
        for method in methods
    }
    covered = {row.name for row in ROWS}
    assert operations - covered == set(), "operations without a row in the API matrix"
    assert covered - operations == set(), "rows for operations that no longer exist"


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.name}")
def test_api_access(row: ApiRow, subject: str, client, api_world, db):
    response = call(client, row, api_world, api_world.extra["tokens"].get(subject))
    assert response.status_code == row.expect[subject], (
        f"{row.name} as {subject}: expected {row.expect[subject]}, got {response.status_code} "
        f"{response.content[:200]!r}"
    )


READ_ONLY_WRITES = [row for row in ROWS if row.method != "GET"]


@pytest.mark.parametrize("row", READ_ONLY_WRITES, ids=lambda row: row.name)
@pytest.mark.parametrize("subject", ["coordinator", "unit_admin", "superuser", "outsider"])
def test_a_read_only_token_writes_nothing(row: ApiRow, subject: str, client, api_world, db):
    user = api_world.users[subject]
    _token, secret = integration_services.token_create(user=user, name="baca", by=user)
    response = call(client, row, api_world, secret)
    assert response.status_code == (404 if subject == "outsider" else 403)


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
def test_the_openapi_document_and_its_page_are_open(path, client, db):
    assert client.get(PREFIX + path).status_code == 200
