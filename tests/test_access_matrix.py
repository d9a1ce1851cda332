"""Every URL × every kind of person: the expected status of each cell in one table.

Subjects: anonymous; an outsider (coordinator of a sibling unit); each role
held on the unit itself; each role held on the unit's parent (a role covers
the whole subtree, so those columns must match); and a superuser.

`ROWS` is the table. `test_every_url_has_a_row` fails when a URL pattern is
added without a row here, so no page escapes the matrix, and
`test_every_view_declares_its_permission` when a view says nothing of who may
call it (units.access: `@unit_permission`, `@signed_in`, `@public`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import RoutePattern
from PIL import Image

from change_areas.models import Answer
from lib.view_permissions import ViewPermission, public
from tests.declarations import matrix as dm
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.files import upload
from tests.service_standards import matrix as ss
from units.models import Membership, Role, UnitKind
from zi_tracker.dashboards import export_jobs
from zi_tracker.models import ExportKind

LOGIN = "login"  # 302 to the login page
ROLES = ["staff", "coordinator", "pre", "tpi", "tpn", "viewer", "unit_admin"]
ROLE_OF = {
    "staff": Role.STAFF,
    "coordinator": Role.COORDINATOR,
    "pre": Role.PRE_REVIEWER,
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
    target = UserFactory(username="newcomer", nip="199001012015011001")
    staff_membership = Membership.objects.get(user=users["staff"], unit=unit)
    world = World(unit, parent, other, users, target, staff_membership)
    _change_areas_world(world)
    return world


def _change_areas_world(world: World) -> None:
    """A cycle of UNIT with a document, a work-plan item, and a campaign rooted at UNIT."""
    import datetime

    from change_areas import services as ca
    from change_areas.models import Area, Framework

    framework = Framework.objects.current()
    cycle = ca.cycle_open(unit=world.unit, framework=framework, year=2026)
    evidence = ca.evidence_upload(unit=world.unit, uploaded_file=upload(), title="SK Tim")
    item = ca.work_plan_item_save(
        cycle=cycle, area=Area.objects.get(framework=framework, code="A.MP"), title="Sosialisasi"
    )
    campaign, _created, _skipped = ca.campaign_open(
        root=world.unit,
        framework=framework,
        year=2027,
        name="Kampanye uji",
        fill_opens=datetime.date(2027, 1, 1),
        fill_closes=datetime.date(2027, 3, 31),
        review_opens=datetime.date(2027, 4, 1),
        review_closes=datetime.date(2027, 5, 31),
    )
    from change_areas import services
    from change_areas.models import Cycle, Layer, PredicateAward

    tpi_cycle = ca.cycle_open(unit=world.unit, framework=framework, year=2025)
    Cycle.objects.filter(pk=tpi_cycle.pk).update(stage="evaluasi_tpi")
    tpi_cycle.refresh_from_db()
    services.copy_layer(tpi_cycle, Layer.SELF, Layer.TPI, by=None)
    services.open_reviews(tpi_cycle, Layer.TPI)
    recommendation = services.recommendation_add(
        cycle=tpi_cycle, layer=Layer.TPI, text="Susun SOP pengaduan.", by=None
    )
    assignment = services.assignment_set(
        cycle=cycle,
        area=Area.objects.get(framework=framework, code="A.TL"),
        assignee=world.users["staff"],
        by=None,
    )
    award = PredicateAward.objects.create(
        unit=world.unit,
        predicate="wbk",
        year=2024,
        decree_number="KEP/1/2024",
        decree_date=datetime.date(2024, 12, 1),
    )
    world.extra.update(
        {
            "cycle": cycle,
            "evidence": evidence,
            "item": item,
            "campaign": campaign,
            "framework": framework,
            "tpi_cycle": tpi_cycle,
            "award": award,
            "recommendation": recommendation,
            "assignment": assignment,
        }
    )


def cycle_kwargs(world: World) -> dict:
    return {"pk": world.extra["cycle"].pk}


def question_kwargs(world: World) -> dict:
    return {"pk": world.extra["cycle"].pk, "question_code": "A.MP.PMN.i.a"}


def item_kwargs(world: World) -> dict:
    return {"pk": world.extra["cycle"].pk, "item_id": world.extra["item"].pk}


def tpi_kwargs(world: World, **extra) -> dict:
    return {"pk": world.extra["tpi_cycle"].pk, **extra}


def recommendation_kwargs(world: World) -> dict:
    return tpi_kwargs(world, layer="tpi", rec_id=world.extra["recommendation"].pk)


def tpi_version(world: World, code: str = "A.MP.PMN.i.a") -> int:
    """The version of the TPI's answer the review page would send back (0: none yet)."""
    answer = Answer.objects.filter(
        cycle=world.extra["tpi_cycle"], layer="tpi", question__code=code
    ).first()
    return answer.version if answer else 0


def evidence_kwargs(world: World) -> dict:
    return {"pk": world.extra["evidence"].pk}


def unit_kwargs(world: World) -> dict:
    return {"code": world.unit.code}


def export_kwargs(world: World) -> dict:
    """A finished portfolio export of UNIT, made by its viewer (the worker runs at once in tests)."""
    if "export" not in world.extra:
        world.extra["export"] = export_jobs.export_start(
            kind=ExportKind.PORTFOLIO_XLSX,
            unit=world.unit,
            query="year=2026",
            total=1,
            by=world.users["viewer"],
        )
    return {"job_id": world.extra["export"].pk}


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
    *,
    pre=None,
) -> dict[str, int | str]:
    """The expected status per subject; roles on the parent expect what roles on the unit do.

    The pre-assessor (penilai pendahuluan) sees what a TPI reviewer sees unless `pre` says otherwise.
    """
    by_role = dict(
        staff=staff,
        coordinator=coordinator,
        pre=tpi if pre is None else pre,
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


def integration_kwargs(kind: str) -> Callable[[World], dict]:
    """URL keywords of a channel, provider, token or calendar feed made for the row's test
    (the test's savepoint rolls it back)."""

    def kwargs(world: World) -> dict:
        from integrations import services as integration_services
        from integrations.models import IdentityProvider
        from messaging.models import Channel

        staff = world.users["staff"]
        if kind == "channel":
            return {
                "pk": Channel.objects.create(name="Webhook", url="json://localhost/{recipient}").pk
            }
        if kind in ("provider", "provider_slug"):
            provider = IdentityProvider.objects.create(
                slug="matriks",
                name="SSO matriks",
                issuer="http://127.0.0.1:9/",
                client_id="zi",
                authorization_endpoint="http://127.0.0.1:9/authorize",
                token_endpoint="http://127.0.0.1:9/token",
                jwks_uri="http://127.0.0.1:9/jwks",
            )
            return {"pk": provider.pk} if kind == "provider" else {"slug": provider.slug}
        if kind == "token":
            token, _secret = integration_services.token_create(user=staff, name="matriks", by=staff)
            return {"pk": token.pk}
        _feed, secret = integration_services.feed_create(user=staff, by=staff)
        return {"secret": secret}

    return kwargs


def only_owner(owner: str, status: int) -> dict[str, int | str]:
    """Something of one person's own: theirs `status`, everyone else's 404 (as if absent)."""
    expect: dict[str, int | str] = {subject: 404 for subject in SUBJECTS}
    expect.update({"anonymous": LOGIN, owner: status})
    return expect


# fmt: off
ROWS: list[Row] = [
    #                                                                       anon   outsider staff coord tpi  tpn  viewer uadmin super
    Row("home", "GET", no_kwargs, statuses(                                 200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("favicon", "GET", no_kwargs, statuses(                              301,   301,     301,  301,  301, 301, 301,   301,   301)),
    # Development only: the mailbox page exists when DEBUG is on (tests run without it).
    Row("dev_mailbox", "GET", no_kwargs, statuses(                          404,   404,     404,  404,  404, 404, 404,   404,   404)),
    Row("invitation_accept", "GET", lambda world: {"uidb64": "MA", "token": "x-y"}, statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("password_reset", "GET", no_kwargs, statuses(                       200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("password_reset", "POST", no_kwargs, statuses(                      302,   302,     302,  302,  302, 302, 302,   302,   302),
        data=lambda world: {"email": "siapa@example.go.id"}),
    Row("password_reset_done", "GET", no_kwargs, statuses(                  200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("password_reset_confirm", "GET", lambda world: {"uidb64": "MA", "token": "x-y"}, statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("password_reset_complete", "GET", no_kwargs, statuses(              200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("login", "GET", no_kwargs, statuses(                                200,   302,     302,  302,  302, 302, 302,   302,   302)),
    Row("logout", "POST", no_kwargs, statuses(                              302,   302,     302,  302,  302, 302, 302,   302,   302)),
    Row("password_change", "GET", no_kwargs, statuses(                      LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("password_change_done", "GET", no_kwargs, statuses(                 LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("set_language", "POST", no_kwargs, statuses(                        302,   302,     302,  302,  302, 302, 302,   302,   302),
        data=lambda world: {"language": "en", "next": "/"}),
    Row("second_factor", "GET", no_kwargs, statuses(                        LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("otp_verify", "GET", no_kwargs, statuses(                           LOGIN, 302,     302,  302,  302, 302, 302,   302,   302)),
    Row("healthz", "GET", no_kwargs, statuses(                              200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("units:list", "GET", no_kwargs, statuses(                           LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("units:detail", "GET", unit_kwargs, statuses(                       LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("units:team", "GET", unit_kwargs, statuses(                         LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    # A person from elsewhere is found by exact NIP and e-mail (a transfer).
    Row("units:membership_grant", "POST", unit_kwargs, statuses(            LOGIN, 404,     403,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"person": world.target_user.nip, "email": world.target_user.email, "role": Role.STAFF}),
    # Coordinators invite only where a campaign allows it (none does here).
    Row("units:person_invite", "POST", unit_kwargs, statuses(               LOGIN, 404,     403,  403,  403, 403, 403,   302,   302),
        data=lambda world: {"full_name": "Orang Baru", "email": "baru@example.go.id", "nip": "", "position": "", "role": Role.STAFF}),
    Row("units:invitations_import", "POST", unit_kwargs, statuses(          LOGIN, 404,     403,  403,  403, 403, 403,   302,   302),
        data=lambda world: {"file": upload("orang.csv", b"nama,nip,surel,jabatan,peran,unit\nOrang Baru,,baru@example.go.id,,staff,\n")}),
    Row("units:invitation_resend", "POST",
        lambda world: {"code": world.unit.code, "membership_id": world.staff_membership.pk}, statuses(
                                                                            LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("units:user_deactivate", "POST",
        lambda world: {"code": world.unit.code, "membership_id": world.staff_membership.pk}, statuses(
                                                                            LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("units:membership_revoke", "POST",
        lambda world: {"code": world.unit.code, "membership_id": world.staff_membership.pk}, statuses(
                                                                            LOGIN, 404,     403,  302,  403, 403, 403,   302,   302)),
    Row("units:logo", "GET", unit_kwargs, statuses(                         200,   200,     200,  200,  200, 200, 200,   200,   200)),
    # --- change_areas ---------------------------------------------------------------------------------------------
    Row("change_areas:cycle_list", "GET", unit_kwargs, statuses(            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:cycle_open", "POST", unit_kwargs, statuses(           LOGIN, 404,     403,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"framework": world.extra["framework"].pk, "year": 2023, "target": "wbk"}),
    Row("change_areas:evidence_library", "GET", unit_kwargs, statuses(      LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:evidence_download", "GET", evidence_kwargs, statuses( LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:evidence_replace", "POST", evidence_kwargs, statuses( LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"file": upload("baru.pdf")}),
    Row("change_areas:cycle_overview", "GET", cycle_kwargs, statuses(       LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:area", "GET", lambda world: {**cycle_kwargs(world), "area_code": "A.MP"}, statuses(
                                                                            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:hasil", "GET", cycle_kwargs, statuses(                LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:answer_save", "POST", question_kwargs, statuses(      LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"option": "Ya", "note": "ada SK", "version": "0"}),
    Row("change_areas:answer_evidence", "POST", question_kwargs, statuses(  LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"action": "attach", "evidence": world.extra["evidence"].pk}),
    Row("change_areas:evidence_search", "GET", question_kwargs, statuses(  LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("change_areas:evidence_pick", "GET", cycle_kwargs, statuses(       LOGIN, 404,     200,  200,  403, 403, 403,   200,   200),
        data=lambda world: {"untuk": "p1_evidence", "q": "SK"}),
    Row("change_areas:work_plan", "GET", cycle_kwargs, statuses(            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:work_plan_item_create", "POST", cycle_kwargs, statuses(
                                                                            LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"area": world.extra["item"].area_id, "title": "Baru", "status": "direncanakan", "percent": 0}),
    Row("change_areas:work_plan_item_edit", "GET", item_kwargs, statuses(   LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("change_areas:progress_entry_add", "POST", item_kwargs, statuses(   LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"date": "2026-01-15", "percent": 50, "note": "Separuh jalan"}),
    Row("change_areas:prerequisites", "GET", cycle_kwargs, statuses(        LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:gap_planner", "GET", cycle_kwargs, statuses(          LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:scorecard_json", "GET", cycle_kwargs, statuses(       LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:scorecard_pdf", "GET", cycle_kwargs, statuses(        LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:lke_export", "GET", cycle_kwargs, statuses(           LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:lke_import", "GET", cycle_kwargs, statuses(           LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("change_areas:lke_workbook_export", "GET", cycle_kwargs, statuses(  LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:lke_workbook_import", "GET", cycle_kwargs, statuses(  LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("change_areas:review_queue", "GET", no_kwargs, statuses(            LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:review", "GET", lambda world: tpi_kwargs(world, layer="tpi", area_code="A.MP"), statuses(
                                                                            LOGIN, 404,     403,  403,  200, 403, 403,   403,   200, pre=403)),
    Row("change_areas:review_answer_save", "POST", lambda world: tpi_kwargs(world, layer="tpi", question_code="A.MP.PMN.i.a"), statuses(
                                                                            LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403),
        data=lambda world: {"option": "Tidak", "note": "belum ada SK", "version": tpi_version(world)}),
    Row("change_areas:review_mark", "POST", lambda world: tpi_kwargs(world, layer="tpi", question_code="A.MP.PMN.i.a"), statuses(
                                                                            LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403),
        data=lambda world: {"status": "perlu_perbaikan", "reason": "Lampirkan SK tim."}),
    Row("change_areas:review_accept_open", "POST", lambda world: tpi_kwargs(world, layer="tpi", area_code="A.MP"), statuses(
                                                                            LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403)),
    Row("change_areas:cycle_return", "POST", lambda world: tpi_kwargs(world, layer="tpi"), statuses(
                                                                            LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403)),
    Row("change_areas:review_rounds", "GET", lambda world: tpi_kwargs(world, layer="tpi"), statuses(
                                                                            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:cycle_notify_submitters", "POST", cycle_kwargs, statuses(
                                                                            LOGIN, 404,     302,  302,  403, 403, 403,   302,   302)),
    Row("change_areas:followups", "GET", tpi_kwargs, statuses(              LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:recommendation_add", "POST", lambda world: tpi_kwargs(world, layer="tpi"), statuses(
                                                                            LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403),
        data=lambda world: {"text": "Perbarui SK tim."}),
    Row("change_areas:recommendation_delete", "POST", recommendation_kwargs, statuses(
                                                                            LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403)),
    Row("change_areas:follow_up_report", "POST", recommendation_kwargs, statuses(
                                                                            LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"note": "SOP disusun."}),
    Row("change_areas:follow_up_verdict", "POST", recommendation_kwargs, statuses(
                                                                            LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403),
        data=lambda world: {"done": "1"}),
    Row("change_areas:cycle_tasks", "GET", cycle_kwargs, statuses(          LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:assignment_save", "POST", cycle_kwargs, statuses(     LOGIN, 404,     403,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"area": world.extra["item"].area_id, "assignee": world.users["staff"].pk}),
    Row("change_areas:assignment_delete", "POST",
        lambda world: {**cycle_kwargs(world), "assignment_id": world.extra["assignment"].pk}, statuses(
                                                                            LOGIN, 404,     403,  302,  403, 403, 403,   302,   302)),
    Row("change_areas:person_nudge", "POST", cycle_kwargs, statuses(        LOGIN, 404,     403,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"person": world.users["staff"].pk}),
    Row("change_areas:team_nudge", "POST", cycle_kwargs, statuses(          LOGIN, 404,     403,  302,  403, 403, 403,   302,   302)),
    Row("change_areas:cycle_pass_pre", "POST", tpi_kwargs, statuses(        LOGIN, 404,     403,  403,  403, 403, 403,   403,   302, pre=302)),
    Row("change_areas:cycle_finalise", "POST", tpi_kwargs, statuses(        LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403)),
    Row("change_areas:comment_add", "POST", question_kwargs, statuses(      LOGIN, 404,     302,  302,  302, 302, 403,   302,   302),
        data=lambda world: {"body": "Mohon lampirkan SK."}),
    Row("change_areas:cycle_submit", "POST", cycle_kwargs, statuses(        LOGIN, 404,     403,  302,  403, 403, 403,   302,   302)),
    Row("change_areas:cycle_resubmit", "POST", cycle_kwargs, statuses(      LOGIN, 404,     403,  302,  403, 403, 403,   302,   302)),
    Row("change_areas:cycle_decide", "GET", cycle_kwargs, statuses(         LOGIN, 404,     403,  403,  403, 200, 403,   403,   200, pre=403)),
    Row("change_areas:comparison", "GET", tpi_kwargs, statuses(             LOGIN, 404,     403,  403,  200, 200, 403,   200,   200)),
    Row("change_areas:proposals", "GET", no_kwargs, statuses(               LOGIN, 403,     403,  403,  403, 403, 403,   403,   200)),
    Row("change_areas:predicates", "GET", unit_kwargs, statuses(            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:predicate_revoke", "POST", lambda world: {"pk": world.extra["award"].pk}, statuses(
                                                                            LOGIN, 404,     403,  403,  403, 403, 403,   403,   302),
        data=lambda world: {"revoked_on": "2025-03-01", "decree_number": "KEP/9/2025", "reason": "Maladministrasi"}),
    Row("change_areas:notifications", "GET", no_kwargs, statuses(           LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:campaign_list", "GET", no_kwargs, statuses(           LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:campaign_detail", "GET", lambda world: {"pk": world.extra["campaign"].pk}, statuses(
                                                                            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:campaign_deadline", "POST", lambda world: {"pk": world.extra["campaign"].pk}, statuses(
                                                                            LOGIN, 404,     403,  403,  403, 403, 403,   302,   302),
        data=lambda world: {"proposal_closes": "2027-06-30", "basis": "Surat TPN B/1/2027"}),
    # Setting Menuju WBK by the instansi needs SET_WBK on the instansi (KL): no role of the unit has it.
    Row("change_areas:instansi_wbk", "GET", cycle_kwargs, statuses(         LOGIN, 404,     403,  403,  403, 403, 403,   403,   200)),
    Row("change_areas:mandiri", "GET", unit_kwargs, statuses(               LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:mandiri_add", "POST", unit_kwargs, statuses(          LOGIN, 404,     403,  403,  403, 403, 403,   403,   302),
        data=lambda world: {"decree_number": "KEP/5/2025", "decree_date": "2025-02-01", "valid_from": "2025"}),
    Row("change_areas:versions", "GET", no_kwargs, statuses(                LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:version_compare", "GET",
        lambda world: {"old": "permenpan-rb-90-2021", "new": "permenpan-rb-90-2021-lke-2026"}, statuses(
                                                                            LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("change_areas:campaign_schedule", "POST", lambda world: {"pk": world.extra["campaign"].pk}, statuses(
                                                                            LOGIN, 404,     403,  403,  403, 403, 403,   302,   302),
        data=lambda world: {"name": "Kampanye uji", "fill_opens": "2027-01-01", "fill_closes": "2027-04-30",
                            "review_opens": "2027-05-01", "review_closes": "2027-06-30", "early_review": "on"}),
    Row("change_areas:cycle_window", "POST", cycle_kwargs, statuses(        LOGIN, 404,     403,  403,  403, 403, 403,   302,   302),
        data=lambda world: {"window": "fill", "opens": "2026-01-01", "closes": "2026-12-31", "reason": "Banjir"}),
    # --- service_standards ----------------------------------------------------------------------------------------
    # (`ss` is tests/service_standards/matrix.py: it builds each row's data.)
    Row("service_standards:services", "GET",
        ss.kw("unit"), statuses(
                                                                            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:service_create", "GET", ss.kw("unit"), statuses(  LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:service_create", "POST", ss.kw("unit"), statuses( LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("service_create")),
    Row("service_standards:service_detail", "GET", ss.kw("service"), statuses(LOGIN, 404,    200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:service_edit", "GET", ss.kw("service"), statuses( LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:service_edit", "POST", ss.kw("service"), statuses(LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("service_edit")),
    Row("service_standards:version_create", "POST", ss.kw("service"), statuses(
                                                                            LOGIN, 404,     302,  302,  403, 403, 403,   302,   302)),
    Row("service_standards:version_detail", "GET", ss.kw("draft"), statuses( LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:version_edit", "GET", ss.kw("draft"), statuses(   LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:version_edit", "POST", ss.kw("draft"), statuses(  LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("version_edit")),
    Row("service_standards:version_delete", "POST", ss.kw("draft"), statuses(LOGIN, 404,     302,  302,  403, 403, 403,   302,   302)),
    Row("service_standards:version_publish", "GET", ss.kw("draft"), statuses(LOGIN, 404,     403,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:version_publish", "POST", ss.kw("draft"), statuses(
                                                                            LOGIN, 404,     403,  302,  403, 403, 403,   302,   302),
        data=ss.data("version_publish")),
    Row("service_standards:version_pdf", "GET", ss.kw("published"), statuses(LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:consultations", "GET", ss.kw("unit"), statuses(   LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:consultation_create", "GET", ss.kw("unit"), statuses(
                                                                            LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:consultation_create", "POST", ss.kw("unit"), statuses(
                                                                            LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("consultation")),
    Row("service_standards:consultation_edit", "GET", ss.kw("consultation"), statuses(
                                                                            LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:consultation_edit", "POST", ss.kw("consultation"), statuses(
                                                                            LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("consultation")),
    Row("service_standards:consultation_minutes", "GET", ss.kw("consultation"), statuses(
                                                                            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:maklumat", "GET", ss.kw("unit"), statuses(        LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:maklumat_edit", "GET", ss.kw("unit"), statuses(   LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:maklumat_edit", "POST", ss.kw("unit"), statuses(  LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("maklumat_edit")),
    Row("service_standards:maklumat_sign", "GET", ss.kw("maklumat_draft"), statuses(
                                                                            LOGIN, 404,     403,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:maklumat_sign", "POST", ss.kw("maklumat_draft"), statuses(
                                                                            LOGIN, 404,     403,  302,  403, 403, 403,   302,   302),
        data=ss.data("maklumat_sign")),
    Row("service_standards:maklumat_draft_pdf", "GET", ss.kw("maklumat_draft"), statuses(
                                                                            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:surveys", "GET", ss.kw("unit"), statuses(         LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:survey_create", "GET", ss.kw("unit"), statuses(   LOGIN, 404,     200,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:survey_create", "POST", ss.kw("unit"), statuses(  LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("survey_create")),
    Row("service_standards:survey_template", "GET", ss.kw("unit"), statuses( LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:survey_detail", "GET", ss.kw("survey"), statuses( LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:survey_import", "POST", ss.kw("survey"), statuses(LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("survey_import")),
    Row("service_standards:survey_averages", "GET", ss.kw("survey"), statuses(LOGIN, 404,    200,  200,  403, 403, 403,   200,   200)),
    Row("service_standards:survey_averages", "POST", ss.kw("survey"), statuses(
                                                                            LOGIN, 404,     302,  302,  403, 403, 403,   302,   302),
        data=ss.data("survey_averages")),
    Row("service_standards:survey_publish", "POST", ss.kw("survey"), statuses(LOGIN, 404,    403,  302,  403, 403, 403,   302,   302)),
    Row("service_standards:survey_population", "POST", ss.kw("survey"), statuses(LOGIN, 404, 302,  302,  403, 403, 403,   302,   302),
        data=lambda world: {"population": "120"}),
    Row("service_standards:survey_unpublish", "POST", ss.kw("survey_published"), statuses(
                                                                            LOGIN, 404,     403,  302,  403, 403, 403,   302,   302)),
    # Public pages: everyone, signed in or not, inside or outside the unit.
    Row("public:home", "GET", no_kwargs, statuses(                          200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("public:search", "GET", no_kwargs, statuses(                        200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("public:index", "GET", no_kwargs, statuses(                         200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("public:unit", "GET", ss.kw("public_unit"), statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:public_service", "GET", ss.kw("public_service"), statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:public_standard_pdf", "GET", ss.kw("public_service"), statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:public_maklumat_pdf", "GET", ss.kw("public_maklumat"), statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("service_standards:public_poster_pdf", "GET", ss.kw("public_maklumat"), statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    # --- declarations ---------------------------------------------------------------------------------------------
    Row("declarations:list", "GET", no_kwargs, statuses(                    LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:create", "GET", unit_kwargs, statuses(                LOGIN, 404,     403,  403,  403, 403, 403,   200,   200)),
    Row("declarations:print_unit", "POST", unit_kwargs, statuses(           LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("declarations:print_list", "POST", no_kwargs, statuses(             LOGIN, 403,     403,  403,  403, 403, 403,   302,   302)),
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
    Row("declarations:print_job_retry", "POST", dm.job_kwargs, statuses(     LOGIN, 404,     404,  404,  404, 404, 404,   404,   302)),
    Row("declarations:print_job_download", "GET", dm.job_kwargs, statuses(  LOGIN, 404,     404,  404,  404, 404, 404,   404,   200)),
    Row("declarations:reports", "GET", lambda world: tpi_kwargs(world, layer="tpi"), statuses(
                                                                            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:report_issue", "POST", lambda world: tpi_kwargs(world, layer="tpi"), statuses(
                                                                            LOGIN, 404,     403,  403,  400, 403, 403,   403,   400, pre=403),
        data=lambda world: {"number": "LHE-1/IU/2025", "issued_on": "2026-05-20", "place": "Sorong",
                            "issuer_name": "Inspektorat", "signer_position": "Ketua"}),
    Row("declarations:report_download", "GET", dm.report_kwargs, statuses(   LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:report_sign", "POST", dm.report_kwargs, statuses(      LOGIN, 404,     403,  403,  302, 403, 403,   403,   302, pre=403)),
    Row("declarations:report_verify", "GET", dm.report_token_kwargs, statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:verify", "GET", dm.token_kwargs, statuses(            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("declarations:verify", "POST", dm.token_kwargs, statuses(           200,   200,     200,  200,  200, 200, 200,   200,   200),
        data=dm.upload_data),
    Row("declarations:verify_lookup", "GET", no_kwargs, statuses(           200,   200,     200,  200,  200, 200, 200,   200,   200)),
    # Signing keys: the installation's for national admins, a unit's for its administrators.
    Row("declarations:signing_keys", "GET", no_kwargs, statuses(            LOGIN, 403,     403,  403,  403, 403, 403,   200,   200)),
    Row("declarations:signing_key_trial", "POST", no_kwargs, statuses(      LOGIN, 403,     403,  403,  403, 403, 403,   403,   302)),
    Row("declarations:signing_key", "GET", dm.key_kwargs, statuses(         LOGIN, 404,     403,  403,  403, 403, 403,   200,   200)),
    Row("declarations:signing_key_default", "POST", dm.key_kwargs, statuses(LOGIN, 404,     403,  403,  403, 403, 403,   403,   302)),
    Row("declarations:signing_key_retire", "POST", dm.key_kwargs, statuses( LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    Row("declarations:signing_key_unassign", "POST", dm.assignment_kwargs, statuses(
                                                                            LOGIN, 404,     403,  403,  403, 403, 403,   302,   302)),
    # --- zi_tracker dashboards ------------------------------------------------------------------------------------
    Row("dashboards:index", "GET", no_kwargs, statuses(                     LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:unit", "GET", unit_kwargs, statuses(                    LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:unit_pdf", "GET", unit_kwargs, statuses(                LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:portfolio", "GET", unit_kwargs, statuses(               LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:portfolio_xlsx", "GET", unit_kwargs, statuses(          LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:portfolio_xlsx", "POST", unit_kwargs, statuses(         LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:portfolio_pdf", "GET", unit_kwargs, statuses(           LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:portfolio_pdf", "POST", unit_kwargs, statuses(          LOGIN, 404,     302,  302,  302, 302, 302,   302,   302)),
    Row("dashboards:calibration", "GET", unit_kwargs, statuses(             LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:calibration_xlsx", "GET", unit_kwargs, statuses(        LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    # An export's job: its creator's, and readable by whoever may view its unit.
    Row("dashboards:export_job", "GET", export_kwargs, statuses(            LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:export_job_retry", "POST", export_kwargs, statuses(     LOGIN, 404,     302,  302,  302, 302, 302,   302,   302)),
    Row("dashboards:export_job_download", "GET", export_kwargs, statuses(   LOGIN, 404,     200,  200,  200, 200, 200,   200,   200)),
    Row("dashboards:registry", "GET", no_kwargs, statuses(                  200,   200,     200,  200,  200, 200, 200,   200,   200)),
    # --- messaging: a person's channels; the installation's channels are the superusers' ----------------------------
    Row("messaging:preferences", "GET", no_kwargs, statuses(                LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("messaging:channel_list", "GET", no_kwargs, statuses(               LOGIN, 403,     403,  403,  403, 403, 403,   403,   200)),
    Row("messaging:channel_create", "GET", no_kwargs, statuses(             LOGIN, 403,     403,  403,  403, 403, 403,   403,   200)),
    Row("messaging:channel_edit", "GET", integration_kwargs("channel"), statuses(
                                                                            LOGIN, 403,     403,  403,  403, 403, 403,   403,   200)),
    Row("messaging:channel_delete", "POST", integration_kwargs("channel"), statuses(
                                                                            LOGIN, 403,     403,  403,  403, 403, 403,   403,   302)),
    # --- integrations: tokens and feeds are their owner's; providers the superusers' (the API: test_api_matrix) ------
    Row("integrations:tokens", "GET", no_kwargs, statuses(                  LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("integrations:token_revoke", "POST", integration_kwargs("token"), only_owner("staff", 302)),
    Row("integrations:calendar", "GET", no_kwargs, statuses(                LOGIN, 200,     200,  200,  200, 200, 200,   200,   200)),
    Row("integrations:calendar_feed", "GET", integration_kwargs("feed"), statuses(
                                                                            200,   200,     200,  200,  200, 200, 200,   200,   200)),
    Row("integrations:sso_start", "GET", integration_kwargs("provider_slug"), statuses(
                                                                            302,   302,     302,  302,  302, 302, 302,   302,   302)),
    Row("integrations:sso_callback", "GET", no_kwargs, statuses(            302,   302,     302,  302,  302, 302, 302,   302,   302)),
    Row("integrations:sso_failed", "GET", no_kwargs, statuses(              403,   403,     403,  403,  403, 403, 403,   403,   403)),
    Row("integrations:provider_list", "GET", no_kwargs, statuses(           LOGIN, 403,     403,  403,  403, 403, 403,   403,   200)),
    Row("integrations:provider_create", "GET", no_kwargs, statuses(         LOGIN, 403,     403,  403,  403, 403, 403,   403,   200)),
    Row("integrations:provider_edit", "GET", integration_kwargs("provider"), statuses(
                                                                            LOGIN, 403,     403,  403,  403, 403, 403,   403,   200)),
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


def _named_callbacks(resolver=None, namespace: str = ""):
    """(URL name, view) for every pattern but the Django admin's (superusers only, by its site)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_callbacks(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or pattern.pattern}", pattern.callback


def views_without_permission(resolver=None) -> list[str]:
    """The URLs whose view declares nothing (`@unit_permission`, `@signed_in` or `@public`)."""
    return sorted(
        f"{name} ({view.__module__}.{view.__qualname__})"
        for name, view in _named_callbacks(resolver)
        if not isinstance(getattr(view, "permission", None), ViewPermission)
    )


def test_every_view_declares_its_permission():
    missing = views_without_permission()
    assert not missing, f"views without a permission decorator: {missing}"


def test_a_view_that_declares_nothing_is_named_by_the_walk():
    def undeclared(request):
        raise AssertionError("never called")

    urls = [
        path("open/", public(undeclared), name="declared"),
        path("inner/", include(([path("x/", undeclared, name="hidden")], "demo"))),
        path("missing/", undeclared, name="missing"),
    ]
    assert views_without_permission(URLResolver(RoutePattern(""), urls)) == [
        f"demo:hidden ({__name__}.{undeclared.__qualname__})",
        f"missing ({__name__}.{undeclared.__qualname__})",
    ]


def test_every_url_has_a_row():
    """The REST API's URLs (namespace `api`) have their rows per operation and per token in
    tests/integrations/test_api_matrix.py."""
    covered = {row.name for row in ROWS}
    names = {name for name in _all_url_names() if not name.startswith(("admin:", "api:"))}
    missing = sorted(names - covered)
    assert not missing, f"URLs without a row in the access matrix: {missing}"
    assert not covered - names, f"rows for URLs that no longer exist: {sorted(covered - names)}"


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """One world for the whole matrix, inside a transaction rolled back at the end.

    Each test runs in a savepoint of its own (pytest-django's `db`), so what one
    request changes is undone before the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):  # evidence bytes, written on commit
            built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def world(matrix_world, db):
    """The module's world; what a row's builder adds lazily is forgotten after the test,
    since the test's savepoint rolls those rows back."""
    before = set(matrix_world.extra)
    yield matrix_world
    for key in set(matrix_world.extra) - before:
        del matrix_world.extra[key]


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_access(row: Row, subject: str, client_for, world, db):
    client = client_for(world.users[subject])
    url = reverse(row.name, kwargs=row.kwargs(world))
    method = client.get if row.method == "GET" else client.post
    response = method(url, row.data(world))  # a GET's data is its query string
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
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


@pytest.mark.parametrize("subject", ADMIN_SUBJECTS)
def test_admin_is_for_superusers_only(subject: str, client_for, world, db):
    client = client_for(world.users[subject])
    for url in _admin_urls(world.users["superuser"]):
        response = client.get(url)
        assert response.status_code == ADMIN_SUBJECTS[subject], f"{url} as {subject}"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
