"""Writes to the organisation: units, people, memberships.

Every change goes through one of these functions, whether it comes from a
view, the admin, an import or a command, so validation and history are the
same everywhere.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils.translation import gettext as _

from lib.writes import record, refuse_unknown
from units import access
from units.models import Membership, Role, Unit, User

# Sent inside the transaction of `unit_move`, after the move, with `unit` (its new path),
# `old_ancestors` and `new_ancestors` (lists of unit ids, root first). Apps above that keep
# figures per subtree (change_areas.tallies) move the unit's share from one line to the other.
unit_moved = Signal()

# Fields a caller may set on a unit, by what they say; the tree fields belong to treebeard.
IDENTITY_FIELDS = ("code", "name", "short_name", "kind")
CONTACT_FIELDS = ("province", "regency", "address", "phone", "email", "website")
HEAD_FIELDS = ("head_name", "head_nip", "head_position")
UNIT_FIELDS = (*IDENTITY_FIELDS, *CONTACT_FIELDS, *HEAD_FIELDS, "logo", "is_active")
_TREE_FIELDS = ["path", "depth", "numchild"]


@transaction.atomic
def unit_create(*, parent: Unit | None, by: User | None = None, **fields: Any) -> Unit:
    """Create a unit under `parent` (a new root when None)."""
    refuse_unknown(fields, allowed=UNIT_FIELDS, what="unit")
    unit = Unit(**fields)
    unit.full_clean(exclude=_TREE_FIELDS)
    record(unit, by=by, reason="unit_create")
    if parent is None:
        return Unit.objects.add_root(instance=unit)
    created = Unit.objects.add_child(parent, instance=unit)
    _count_descendants(created.ancestor_paths, 1)
    return created


def _count_descendants(paths: list[str], change: int) -> None:
    """Add `change` to the descendant count of the units with these paths. One query."""
    if paths and change:
        Unit.objects.filter(path__in=paths).update(descendant_count=F("descendant_count") + change)


@transaction.atomic
def unit_update(*, unit: Unit, by: User | None = None, **fields: Any) -> Unit:
    """Change a unit's own fields (not its place in the tree: see `unit_move`)."""
    refuse_unknown(fields, allowed=UNIT_FIELDS, what="unit")
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=_TREE_FIELDS)
    record(unit, by=by, reason="unit_update")
    unit.save()
    return unit


def parent_of(unit: Unit) -> Unit | None:
    """The unit's parent (one query), or None for a root."""
    return Unit.objects.get_parent(unit, update=True)


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit | None, by: User | None = None) -> Unit:
    """Put the unit and its subtree under another parent (or make it a root)."""
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValidationError(
            _("Unit tidak dapat dipindahkan ke bawah dirinya sendiri atau unit bawahannya.")
        )
    current = parent_of(unit)
    if (current and new_parent and current.pk == new_parent.pk) or (
        current is None and new_parent is None
    ):
        return unit
    unit.refresh_from_db()
    size = unit.descendant_count + 1
    old_ancestors = list(
        Unit.objects.filter(path__in=unit.ancestor_paths)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    if new_parent is None:
        Unit.objects.move(unit, Unit.objects.get_last_root_node(), pos="last-sibling")
    else:
        Unit.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    new_ancestors = list(
        Unit.objects.filter(path__in=unit.ancestor_paths)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    Unit.objects.filter(pk__in=old_ancestors).update(descendant_count=F("descendant_count") - size)
    Unit.objects.filter(pk__in=new_ancestors).update(descendant_count=F("descendant_count") + size)
    unit_moved.send(
        sender=Unit, unit=unit, old_ancestors=old_ancestors, new_ancestors=new_ancestors
    )
    record(unit, by=by, reason="unit_move")
    unit.save()
    return unit


@transaction.atomic
def unit_delete(*, unit: Unit, by: User | None = None) -> None:
    """Delete a unit and its subtree (refused by the database while any has cycles or files)."""
    unit.refresh_from_db()
    size = unit.descendant_count + 1
    ancestors = unit.ancestor_paths
    unit._history_user = by
    unit.delete()
    _count_descendants(ancestors, -size)


@transaction.atomic
def membership_grant(*, unit: Unit, user: User, role: Role | str, by: User | None) -> Membership:
    """Give `user` the `role` on `unit`. `by` must be allowed to grant it (None: the system)."""
    role = Role(role)
    if by is not None and role not in access.grantable_roles(by, unit):
        raise PermissionDenied(_("Anda tidak berwenang memberikan peran ini pada unit ini."))
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise ValidationError(
            _("%(user)s sudah memegang peran %(role)s pada %(unit)s.")
            % {"user": user, "role": role.label, "unit": unit}
        )
    membership = Membership(user=user, unit=unit, role=role, granted_by=by)
    membership.full_clean()
    record(membership, by=by, reason="membership_grant")
    membership.save()
    access.forget_memberships(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, by: User | None) -> None:
    """Take a role away. `by` must be allowed to grant that role on the unit."""
    if by is not None and Role(membership.role) not in access.grantable_roles(by, membership.unit):
        raise PermissionDenied(_("Anda tidak berwenang mencabut peran ini."))
    if by is not None and by.pk == membership.user_id and not by.is_superuser:
        raise PermissionDenied(
            _("Anda tidak dapat mencabut peran Anda sendiri; mintalah koordinator atau admin unit.")
        )
    record(membership, by=by, reason="membership_revoke")
    membership.delete()
    access.forget_memberships(membership.user)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None = None,
    by: User | None = None,
    **fields: Any,
) -> User:
    """Create a person. Without a password the account cannot sign in until one is set."""
    user = User(username=username, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    record(user, by=by, reason="user_create")
    user.save()
    return user
