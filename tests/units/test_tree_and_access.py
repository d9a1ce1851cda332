import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units import access, services
from units.access import Perm
from units.models import Membership, Role, Unit, User
from units.validators import validate_nip


class TestNip:
    def test_accepts_a_well_formed_nip(self):
        validate_nip("198507172008012003")

    @pytest.mark.parametrize(
        ("nip", "fragment"),
        [
            ("19850717200801200", "18 angka"),
            ("1985071720080120031", "18 angka"),
            ("19850717200801200A", "18 angka"),
            ("198513172008012003", "tanggal lahir"),
            ("198507172008132003", "bulan pengangkatan"),
            ("198507172008013003", "angka ke-15"),
        ],
    )
    def test_rejects_a_malformed_nip_saying_which_part(self, nip, fragment):
        with pytest.raises(ValidationError) as caught:
            validate_nip(nip)
        assert fragment in caught.value.messages[0] % (caught.value.params or {})

    def test_user_with_bad_nip_is_not_created(self, db):
        with pytest.raises(ValidationError):
            services.user_create(username="salah", nip="123")
        assert not User.objects.filter(username="salah").exists()


class TestTree:
    def test_subtree_and_ancestors_cost_one_query_each_whatever_the_depth(
        self, db, django_assert_num_queries
    ):
        parent = UnitFactory(code="R")
        chain = [parent]
        for depth in range(8):
            chain.append(UnitFactory(code=f"D{depth}", parent=chain[-1]))
            UnitFactory(code=f"S{depth}", parent=chain[-2])
        leaf = chain[-1]
        with django_assert_num_queries(1):
            ancestors = list(leaf.ancestors())
        assert [unit.code for unit in ancestors] == [unit.code for unit in chain[:-1]]
        with django_assert_num_queries(1):
            subtree = list(Unit.objects.subtree_of(chain[1]))
        assert len(subtree) == 8 + 7  # the chain below D0 and the siblings hung on it

    def test_move_takes_the_subtree_along(self, unit, other_unit):
        child = UnitFactory(code="CHILD", parent=unit)
        services.unit_move(unit=unit, new_parent=other_unit)
        child.refresh_from_db()
        unit.refresh_from_db()
        assert services.parent_of(unit) == other_unit
        assert child.is_in_subtree_of(other_unit)

    def test_a_unit_cannot_move_under_its_own_child(self, unit):
        child = UnitFactory(code="CHILD", parent=unit)
        with pytest.raises(ValidationError):
            services.unit_move(unit=unit, new_parent=child)

    def test_unit_code_is_validated(self, db):
        with pytest.raises(ValidationError):
            services.unit_create(parent=None, code="kode dengan spasi", name="X", kind="satker")
        assert not Unit.objects.exists()


class TestAccess:
    def test_role_on_an_ancestor_covers_the_subtree(self, province_tpi_reviewer, unit):
        assert access.roles_on(province_tpi_reviewer, unit) == {Role.TPI_REVIEWER}
        assert access.can(province_tpi_reviewer, unit, Perm.REVIEW_TPI)
        assert not access.can(province_tpi_reviewer, unit, Perm.EDIT_SELF)

    def test_role_on_a_child_does_not_reach_the_parent(self, province, unit, staff):
        with pytest.raises(Http404):
            access.check(staff, province)

    def test_insider_without_the_capability_gets_403(self, unit, viewer):
        with pytest.raises(PermissionDenied):
            access.check(viewer, unit, Perm.EDIT_SELF)

    def test_outsider_gets_404(self, unit, outsider):
        with pytest.raises(Http404):
            access.check(outsider, unit)

    def test_memberships_are_read_once_per_user(self, unit, staff, django_assert_num_queries):
        with django_assert_num_queries(1):
            for _ in range(5):
                access.perms_on(staff, unit)

    def test_visible_units_are_the_subtrees_of_the_persons_units(self, province, unit, other_unit):
        person = MembershipFactory(unit=unit, role=Role.STAFF).user
        assert list(Unit.objects.visible_to(person)) == [unit]
        MembershipFactory(unit=province, role=Role.VIEWER, user=person)
        access.forget_memberships(person)
        assert set(Unit.objects.visible_to(person)) == {province, unit, other_unit}

    def test_coordinator_may_grant_team_roles_but_not_reviewer_roles(self, unit, coordinator):
        newcomer = UserFactory()
        services.membership_grant(unit=unit, user=newcomer, role=Role.STAFF, by=coordinator)
        with pytest.raises(PermissionDenied):
            services.membership_grant(
                unit=unit, user=newcomer, role=Role.TPI_REVIEWER, by=coordinator
            )

    def test_granting_the_same_role_twice_is_refused_with_a_message(self, unit, staff, unit_admin):
        with pytest.raises(ValidationError, match="sudah memegang"):
            services.membership_grant(unit=unit, user=staff, role=Role.STAFF, by=unit_admin)

    def test_membership_history_records_who_granted_and_revoked(self, unit, unit_admin):
        newcomer = UserFactory()
        membership = services.membership_grant(
            unit=unit, user=newcomer, role=Role.VIEWER, by=unit_admin
        )
        membership_id = membership.pk
        services.membership_revoke(membership=membership, by=unit_admin)
        history = list(Membership.history.filter(id=membership_id).order_by("history_date"))
        assert [h.history_type for h in history] == ["+", "-"]
        assert all(h.history_user == unit_admin for h in history)
