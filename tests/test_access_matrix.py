"""Every URL × every kind of person: the expected status of each cell in one table.

Subjects: anonymous; an outsider (coordinator of a sibling unit); each role
held on the unit itself; each role held on the unit's parent (a role covers
the whole subtree, so those columns must match); and a superuser.

`ROWS` is the table. `test_every_url_has_a_row` fails when a URL pattern is
added without a row here, so no page escapes the matrix.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from tests.declarations import matrix as dm
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.models import Membership, Role, UnitKind

LOGIN = "login"  # 302 to the login page
ROLES = ["staff", "coordinator", "tpi", "tpn", "viewer", "unit_admin"]
ROLE_OF = {
    "staff": Role.STAFF,
    "coordinator": Role.COORDINATOR,
    "tpi": Role.TPI_REVIEWER,
    "tpn": Role.TPN_REVIEWER,
    "viewer": Role.VIEWER,
    "unit_admin": Role.UNIT_ADMIN,
}
SUBJECTS = ["anonymous", "outsider", *ROLES, *(f"{role}@parent" for role in ROLES), "superuser"]


@dataclass
class World:
    """The data every row can point at."""

    unit: Any
    parent: Any
    other_unit: Any
    users: dict[str, Any]
    target_user: Any  # a person with no role yet, to be granted one
    staff_membership: Membership
    extra: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    root = UnitFactory(code="KL", name="Kementerian", kind=UnitKind.KEMENTERIAN_LEMBAGA)
    parent = UnitFactory(code="PROV", name="Provinsi", kind=UnitKind.INSTANSI_VERTIKAL, parent=root)
    unit = UnitFactory(code="UNIT", name="Satker", parent=parent)
    other = UnitFactory(code="OTHER", name="Satker lain", parent=parent)
    logo = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(logo, format="PNG")
    unit.logo.save("logo.png", ContentFile(logo.getvalue()))
    users: dict[str, Any] = {"anonymous": None}
    users["outsider"] = MembershipFactory(unit=other, role=Role.COORDINATOR).user
    for name, role in ROLE_OF.items():
        users[name] = MembershipFactory(unit=unit, role=role, user=UserFactory(username=name)).user
        users[f"{name}@parent"] = MembershipFactory(
            unit=parent, role=role, user=UserFactory(username=f"{name}-parent")
        ).user
    users["superuser"] = UserFactory(username="root", is_staff=True, is_superuser=True)
    target = UserFactory(username="newcomer")
    staff_membership = Membership.objects.get(user=users["staff"], unit=unit)
    return World(unit, parent, other, users, target, staff_membership)


def unit_kwargs(world: World) -> dict:
    return {"code": world.unit.code}


@dataclass
class Row:
    name: str
    method: str
    kwargs: Callable[[World], dict]
    expect: dict[str, int | str]
    data: Callable[[World], dict] = lambda world: {}


def statuses(
    anonymous,
    outsider,
    staff,
    coordinator,
    tpi,
    tpn,
    viewer,
    unit_admin,
    superuser,
) -> dict[str, int | str]:
    """The expected status per subject; roles on the parent expect what roles on the unit do."""
    by_role = dict(
        staff=staff,
        coordinator=coordinator,
        tpi=tpi,
        tpn=tpn,
        viewer=viewer,
        unit_admin=unit_admin,
    )
    expect = {"anonymous": anonymous, "outsider": outsider, "superuser": superuser, **by_role}
    expect.update({f"{role}@parent": status for role, status in by_role.items()})
    return expect


def no_kwargs(world: World) -> dict:
    return {}


# fmt: off
ROWS: list[Row] = [
    #                                                                       anon   outsider staff coord tpi  tpn  viewer uadmin super
    Row("home", "GET", no_kwargs, statuses(                                 LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("login", "GET", no_kwargs, statuses(                                200,   302,     302,  302,  302, 302, 302,   302,   302)),
    Row("logout", "POST", no_kwargs, statuses(                              302,   302,     302,  302,  302, 302, 302,   302,   302)),
    Row("password_change", "GET", no_kwargs, statuses(                      LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("password_change_done", "GET", no_kwargs, statuses(                 LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("set_language", "POST", no_kwargs, statuses(                        302,   302,     302,  302,  302, 302, 302,   302,   302),
        data=lambda world: {"language": "en", "next": "/"}),
    Row("units:list", "GET", no_kwargs, statuses(                           LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("units:detail", "GET", unit_kwargs, statuses(                       LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("units:team", "GET", unit_kwargs, statuses(                         LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("units:membership_grant", "POST", unit_kwargs, statuses(            LOGIN, 404,     403,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"person": world.target_user.username, "role": Role.STAFF}),
    Row("units:membership_revoke", "POST",
        lambda world: {"code": world.unit.code, "membership_id": world.staff_membership.pk}, statuses(
                                                                            LOGIN, 404,     403,  302,  403, 403, 403,   302,   302)),
    Row("units:logo", "GET", unit_kwargs, statuses(                         200,   200,     200,  200,  200, 200, 200,   200,   200)),
    # --- change_areas ---------------------------------------------------------------------------------------------
    # --- service_standards ----------------------------------------------------------------------------------------
    # --- declarations ---------------------------------------------------------------------------------------------
    Row("declarations:list", "GET", no_kwargs, statuses(                    LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:create", "GET", unit_kwargs, statuses(                LOGIN, 404,     403,  403,  403, 403, 403,   200,   200)),
    Row("declarations:print_unit", "POST", unit_kwargs, statuses(           LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("declarations:detail", "GET", dm.final_kwargs, statuses(            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:detail", "GET", dm.draft_kwargs, statuses(            LOGIN, 404,     403,  403,  403, 403, 403,   200,   200)),
    Row("declarations:edit", "GET", dm.draft_kwargs, statuses(              LOGIN, 404,     403,  403,  403, 403, 403,   200,   200)),
    Row("declarations:download", "GET", dm.final_kwargs, statuses(          LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:download", "GET", dm.draft_kwargs, statuses(          LOGIN, 404,     403,  403,  403, 403, 403,   200,   200)),
    Row("declarations:finalise", "POST", dm.draft_kwargs, statuses(         LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("declarations:sign", "POST", dm.final_kwargs, statuses(             LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("declarations:revoke", "POST", dm.final_kwargs, statuses(           LOGIN, 404,     403,  403,  403, 403, 403,   302,   302),
        data=lambda world: {"reason": "Matriks"}),
    Row("declarations:supersede", "POST", dm.final_kwargs, statuses(        LOGIN, 404,     403,  403,  403, 403, 403,   302,   302),
        data=dm.supersede_data),
    Row("declarations:duplicate", "POST", dm.final_kwargs, statuses(        LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("declarations:delete", "POST", dm.draft_kwargs, statuses(           LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("declarations:import", "POST", dm.draft_kwargs, statuses(           LOGIN, 404,     403,  403,  403, 403, 403,   302,   302),
        data=dm.import_data),
    Row("declarations:from_people", "POST", dm.draft_kwargs, statuses(      LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("declarations:print_job", "GET", dm.job_kwargs, statuses(           LOGIN, 404,     404,  404,  404, 404, 404,   404,   200)),
    Row("declarations:print_job_download", "GET", dm.job_kwargs, statuses(  LOGIN, 404,     404,  404,  404, 404, 404,   404,   200)),
    Row("declarations:verify", "GET", dm.token_kwargs, statuses(            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:verify", "POST", dm.token_kwargs, statuses(           200,   200,     200,  200,  200, 200, 200,   200,   200),
        data=dm.upload_data),
    # --- zi_tracker dashboards ------------------------------------------------------------------------------------
]
# fmt: on


def _all_url_names(resolver=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_a_row():
    covered = {row.name for row in ROWS}
    names = {name for name in _all_url_names() if not name.startswith("admin:")}
    missing = sorted(names - covered)
    assert not missing, f"URLs without a row in the access matrix: {missing}"
    assert not covered - names, f"rows for URLs that no longer exist: {sorted(covered - names)}"


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(row: Row, subject: str, client_for, db):
    world = build_world()
    client = client_for(world.users[subject])
    url = reverse(row.name, kwargs=row.kwargs(world))
    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, row.data(world))
    expected = row.expect[subject]
    if expected == LOGIN:
        assert response.status_code == 302, f"{subject} got {response.status_code}"
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{row.method} {row.name} as {subject}: expected {expected}, got {response.status_code}"
        )


ADMIN_SUBJECTS = {"anonymous": 302, "unit_admin": 302, "coordinator": 302, "superuser": 200}


def _admin_urls(superuser) -> list[str]:
    """The admin index, every changelist, and every add form the admin offers."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = superuser
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:%s_%s_changelist" % info))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:%s_%s_add" % info))
    return urls


@pytest.mark.parametrize("subject", ADMIN_SUBJECTS)
def test_admin_is_for_superusers_only(subject: str, client_for, db):
    world = build_world()
    client = client_for(world.users[subject])
    for url in _admin_urls(world.users["superuser"]):
        response = client.get(url)
        assert response.status_code == ADMIN_SUBJECTS[subject], f"{url} as {subject}"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
