"""The people who run a unit manage its accounts: invitations by e-mail and NIP, in bulk from a
sheet, self-service password reset, deactivation, and a team-add that never discloses
anyone outside the administrator's own subtree."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from tests.clock import on
from tests.factories import UserFactory, member
from tests.files import upload
from units.models import Membership, Role, User

PASSWORD = "Zona-Integritas-2026"


def team(unit) -> str:
    return reverse("units:team", kwargs={"code": unit.code})


def grant(client, unit, **data):
    return client.post(reverse("units:membership_grant", kwargs={"code": unit.code}), data)


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invitation form; e-mails leave after commit, as in a real request."""

    def send(client, unit, **data):
        values = dict(INVITEE, **data)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("units:person_invite", kwargs={"code": unit.code}), values)

    return send


INVITEE = {
    "full_name": "Yohana Mambrasar",
    "nip": "199203152019032001",
    "email": "yohana@example.go.id",
    "position": "Statistisi",
    "role": Role.COORDINATOR,
}


def link_in(message) -> str:
    """The path of the first address of this installation in an e-mail."""
    url = re.search(r"https?://\S+", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


# --- team-add: nothing outside the subtree ----------------------------------------------------


@pytest.fixture
def elsewhere(db):
    """Someone in another organisation altogether, with a name, a NIP and an address."""
    from tests.factories import UnitFactory

    far = UnitFactory(code="JAUH", name="Pemda Jauh")
    person = UserFactory(
        username="rahasia",
        full_name="Bambang Tersembunyi",
        nip="198001012005011001",
        email="bambang@jauh.go.id",
    )
    Membership.objects.create(user=person, unit=far, role=Role.STAFF)
    return person


def test_team_add_discloses_nothing_about_people_outside_the_subtree(
    client_for, unit, unit_admin, elsewhere
):
    client = client_for(unit_admin)
    answers = []
    for value in ("rahasia", elsewhere.nip, "tidak-ada-orang-ini", "199999999999999999"):
        response = grant(client, unit, person=value, role=Role.STAFF)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Bambang" not in page and "Tersembunyi" not in page and "jauh.go.id" not in page
        answers.append(re.findall(r'<p class="error-text"[^>]*>(.*?)</p>', page))
    # The same words whether the account exists elsewhere or nowhere: nothing to enumerate.
    assert answers[0] == answers[1] == answers[2] == answers[3] and answers[0]
    assert not Membership.objects.filter(user=elsewhere, unit=unit).exists()


def test_a_wrong_email_with_a_real_nip_finds_nobody(client_for, unit, unit_admin, elsewhere):
    response = grant(
        client_for(unit_admin),
        unit,
        person=elsewhere.nip,
        email="tebakan@jauh.go.id",
        role=Role.STAFF,
    )
    assert response.status_code == 400 and "Bambang" not in response.content.decode()


def test_a_transfer_is_added_by_exact_nip_and_email(client_for, unit, unit_admin, elsewhere):
    response = grant(
        client_for(unit_admin),
        unit,
        person=elsewhere.nip,
        email="BAMBANG@jauh.go.id",
        role=Role.STAFF,
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=elsewhere, unit=unit, role=Role.STAFF).exists()


def test_people_of_the_subtree_are_found_by_name_or_nip(client_for, unit, other_unit, province):
    admin = member(province, Role.UNIT_ADMIN, "admin-provinsi")
    colleague = member(other_unit, Role.STAFF, "kolega")
    response = grant(client_for(admin), unit, person="kolega", role=Role.VIEWER)
    assert response.status_code == 302
    assert Membership.objects.filter(user=colleague, unit=unit, role=Role.VIEWER).exists()


def test_a_unit_admin_does_not_find_people_of_a_sibling_unit(
    client_for, unit, unit_admin, other_unit
):
    member(other_unit, Role.STAFF, "tetangga")
    response = grant(client_for(unit_admin), unit, person="tetangga", role=Role.STAFF)
    assert response.status_code == 400


# --- invitations ---------------------------------------------------------------------------------


def test_an_invited_person_sets_a_password_once_from_the_email_and_is_signed_in(
    client_for, client, unit, unit_admin, invite
):
    response = invite(client_for(unit_admin), unit)
    assert response.status_code == 302
    person = User.objects.get(email="yohana@example.go.id")
    assert person.invitation_pending and person.username == "199203152019032001"
    assert Membership.objects.filter(user=person, unit=unit, role=Role.COORDINATOR).exists()
    (message,) = mail.outbox
    assert message.to == ["yohana@example.go.id"]
    assert "Satker Contoh" in message.subject and "Koordinator" in message.body
    link = link_in(message)

    form_page = client.get(link, follow=True)
    assert "Tetapkan kata sandi Anda" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == person
    person.refresh_from_db()
    assert person.check_password(PASSWORD) and not person.invitation_pending

    again = client_for(None).get(link, follow=True).content.decode()
    assert "Tautan undangan tidak berlaku" in again


def test_an_invitation_expires(client, unit, unit_admin, client_for, settings, invite):
    with on(datetime.date(2026, 2, 1)):
        invite(client_for(unit_admin), unit)
    link = link_in(mail.outbox[0])
    with on(datetime.date(2026, 2, 1) + datetime.timedelta(days=settings.ZI_INVITATION_DAYS + 1)):
        page = client.get(link, follow=True).content.decode()
    assert "Tautan undangan tidak berlaku" in page


def test_an_address_that_has_an_account_is_refused_without_naming_its_owner(
    client_for, unit, unit_admin, elsewhere, invite
):
    response = invite(client_for(unit_admin), unit, email="bambang@jauh.go.id", nip="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "sudah dipakai sebuah akun" in page and "Bambang" not in page
    assert not mail.outbox


def test_coordinators_invite_only_where_a_campaign_allows_it(
    client_for, unit, coordinator, province, framework, invite
):
    from change_areas import services

    assert invite(client_for(coordinator), unit).status_code == 403
    services.campaign_open(
        root=province,
        framework=framework,
        year=datetime.date.today().year,
        name="ZI",
        fill_opens=datetime.date(2026, 1, 1),
        fill_closes=datetime.date(2026, 3, 31),
        review_opens=datetime.date(2026, 4, 1),
        review_closes=datetime.date(2026, 5, 31),
        coordinators_invite=True,
    )
    assert invite(client_for(coordinator), unit, role=Role.STAFF).status_code == 302
    # A coordinator hands out team roles only.
    assert (
        invite(
            client_for(coordinator), unit, email="lain@example.go.id", nip="", role=Role.UNIT_ADMIN
        ).status_code
        == 400
    )


def test_the_team_page_marks_a_pending_invitation_and_sends_it_again(
    client_for, unit, unit_admin, invite, django_capture_on_commit_callbacks
):
    client = client_for(unit_admin)
    invite(client, unit)
    page = client.get(team(unit)).content.decode()
    assert "undangan belum diterima" in page
    membership = Membership.objects.get(user__email="yohana@example.go.id")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "units:invitation_resend",
                kwargs={"code": unit.code, "membership_id": membership.pk},
            )
        )
    assert response.status_code == 302 and len(mail.outbox) == 2


SHEET = (
    "nama,nip,surel,jabatan,peran,unit\n"
    "Andi Wanggai,199105052015031002,andi@example.go.id,Statistisi,staf / tim kerja,\n"
    "Maria Kambu,,maria@example.go.id,Pranata Komputer,staff,UNIT\n"
)


@pytest.fixture
def import_sheet(django_capture_on_commit_callbacks):
    def send(client, unit, content: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("units:invitations_import", kwargs={"code": unit.code}),
                {"file": upload("orang.csv", content.encode())},
            )

    return send


def test_people_are_invited_in_bulk_from_a_sheet(client_for, unit, unit_admin, import_sheet):
    response = import_sheet(client_for(unit_admin), unit, SHEET)
    assert response.status_code == 302
    assert set(User.objects.filter(invited_at__isnull=False).values_list("email", flat=True)) == {
        "andi@example.go.id",
        "maria@example.go.id",
    }
    assert len(mail.outbox) == 2


def test_one_bad_row_invites_nobody_and_names_the_row(
    client_for, unit, unit_admin, other_unit, import_sheet
):
    bad = SHEET + "Tanpa Surel,,,,staff,\nDi Luar,,luar@example.go.id,,staff,OTHER\n"
    response = import_sheet(client_for(unit_admin), unit, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Baris 4" in page and "Baris 5" in page
    assert not User.objects.filter(invited_at__isnull=False).exists()
    assert not mail.outbox


# --- deactivation ---------------------------------------------------------------------------------


def test_deactivating_a_person_ends_their_sessions(client_for, unit, unit_admin, staff):
    theirs = client_for(staff)
    assert theirs.get(reverse("home")).status_code == 200
    other = client_for(unit_admin)
    sessions_before = Session.objects.count()
    membership = Membership.objects.get(user=staff, unit=unit)

    response = other.post(
        reverse("units:user_deactivate", kwargs={"code": unit.code, "membership_id": membership.pk})
    )

    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    assert Session.objects.count() == sessions_before - 1
    assert theirs.get(reverse("units:list"))["Location"].startswith(reverse("login"))


def test_a_person_with_roles_elsewhere_is_not_deactivated_by_a_unit_admin(
    client_for, unit, unit_admin, staff, other_unit
):
    Membership.objects.create(user=staff, unit=other_unit, role=Role.STAFF)
    membership = Membership.objects.get(user=staff, unit=unit)
    response = client_for(unit_admin).post(
        reverse("units:user_deactivate", kwargs={"code": unit.code, "membership_id": membership.pk})
    )
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.is_active


# --- forgotten password ---------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_from_the_email(client, staff):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page
    response = client.post(reverse("password_reset"), {"email": staff.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "Atur ulang kata sandi" in message.subject and "Anda masuk dengan" in message.body

    form_page = client.get(link_in(message), follow=True)
    assert "Tetapkan kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert done.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post(reverse("password_reset"), {"email": "siapa@example.go.id"})
    assert response.status_code == 302 and not mail.outbox


def test_the_team_page_offers_deactivation_only_where_it_would_be_allowed(
    client_for, unit, unit_admin, staff, other_unit
):
    elsewhere = member(unit, Role.VIEWER, "pemantau")
    Membership.objects.create(user=elsewhere, unit=other_unit, role=Role.VIEWER)
    page = client_for(unit_admin).get(team(unit)).content.decode()
    staff_row = page.split("staff@example.go.id")[1].split("</tr>")[0]
    other_row = page.split("pemantau@example.go.id")[1].split("</tr>")[0]
    assert "Nonaktifkan akun" in staff_row
    assert "Nonaktifkan akun" not in other_row


@pytest.mark.parametrize("count", [1, 12])
def test_the_team_page_costs_the_same_queries_with_few_and_many_people(
    client_for, unit, unit_admin, count, django_assert_num_queries
):
    for number in range(count):
        member(unit, Role.STAFF, f"orang{number}")
    client = client_for(unit_admin)
    client.get(team(unit))
    with django_assert_num_queries(8):
        client.get(team(unit))
