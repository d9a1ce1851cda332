"""Writes to the organisation: units, people, memberships.

Every change goes through one of these functions, whether it comes from a
view, the admin, an import or a command, so validation and history are the
same everywhere.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from lib.pdf import absolute_url
from lib.writes import record, refuse_unknown
from units import access
from units.access import Perm
from units.models import Membership, Role, Unit, User
from units.tokens import invitation_token

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
# Kept by the services below from what happens to other rows; a save of the unit's own fields
# never writes them back (another request may have changed them since the unit was read).
_KEPT_FIELDS = [*_TREE_FIELDS, "descendant_count", "province_counts"]


@transaction.atomic
def unit_create(*, parent: Unit | None, by: User | None = None, **fields: Any) -> Unit:
    """Create a unit under `parent` (a new root when None)."""
    refuse_unknown(fields, allowed=UNIT_FIELDS, what="unit")
    unit = Unit(**fields)
    unit.full_clean(exclude=_TREE_FIELDS)
    unit.province_counts = {unit.province: 1} if unit.province else {}
    record(unit, by=by, reason="unit_create")
    with _code_settled_by_the_database(unit):
        if parent is None:
            return Unit.objects.add_root(instance=unit)
        created = Unit.objects.add_child(parent, instance=unit)
    _count_descendants(created.ancestor_paths, 1)
    _count_provinces(created.ancestor_paths, unit.province_counts)
    return created


def _count_descendants(paths: list[str], change: int) -> None:
    """Add `change` to the descendant count of the units with these paths. One query."""
    if paths and change:
        Unit.objects.filter(path__in=paths).update(descendant_count=F("descendant_count") + change)


def _count_provinces(paths: list[str], change: dict[str, int], sign: int = 1) -> None:
    """Add sign × `change` (province → units) to the province counts of the units with these
    paths, their rows locked in path order. Two queries, none when nothing changes."""
    change = {province: sign * count for province, count in change.items() if province and count}
    if not paths or not change:
        return
    rows = list(
        Unit.objects.select_for_update()
        .filter(path__in=paths)
        .order_by("path")
        .only("pk", "path", "province_counts")
    )
    for row in rows:
        counts = dict(row.province_counts or {})
        for province, count in change.items():
            total = counts.get(province, 0) + count
            if total:
                counts[province] = total
            else:
                counts.pop(province, None)
        row.province_counts = counts
    Unit.objects.bulk_update(rows, ["province_counts"])


@transaction.atomic
def unit_update(*, unit: Unit, by: User | None = None, **fields: Any) -> Unit:
    """Change a unit's own fields (not its place in the tree: see `unit_move`)."""
    refuse_unknown(fields, allowed=UNIT_FIELDS, what="unit")
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=_TREE_FIELDS)
    before = Unit.objects.filter(pk=unit.pk).values_list("province", flat=True).first() or ""
    record(unit, by=by, reason="unit_update")
    with _code_settled_by_the_database(unit):
        unit.save(
            update_fields=[
                field.name
                for field in Unit._meta.concrete_fields
                if not field.primary_key and field.name not in _KEPT_FIELDS
            ]
        )
    if before != unit.province:
        moved = {before: -1, unit.province: 1}
        _count_provinces(unit.lineage_paths, moved)
        unit.refresh_from_db(fields=["province_counts"])
    return unit


@contextmanager
def _code_settled_by_the_database(unit: Unit):
    """Two units saved at once with one code (in any case) pass `full_clean` both; the
    database's unique index refuses the second, which is told as a form would tell it."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        text = str(error)
        if "unit_code_unique_ignoring_case" not in text and "code" not in text:
            raise
        raise ValidationError(
            {
                "code": _(
                    "Kode %(code)s baru saja dipakai unit lain; huruf besar dan kecil "
                    "dianggap sama."
                )
                % {"code": unit.code}
            }
        ) from None


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
    old_paths = unit.ancestor_paths
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
    _count_provinces(old_paths, unit.province_counts, -1)
    _count_provinces(unit.ancestor_paths, unit.province_counts)
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
    _count_provinces(ancestors, unit.province_counts, -1)


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


# --------------------------------------------------------------------------
# People: invitations, finding someone to add, deactivation.


def _username_for(*, nip: str | None, email: str) -> str:
    """NIP when there is one (people sign in with it anyway), else the e-mail's local part,
    made unique."""
    base = nip or re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0].lower())[:140] or "pegawai"
    candidate, number = base, 1
    while User.objects.filter(username=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _check_new_person(*, email: str, nip: str | None) -> None:
    """Refuse an address or NIP that already has an account, without naming its owner."""
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "Surel ini sudah dipakai sebuah akun. Bila orangnya pindah ke unit Anda, "
                    "tambahkan dengan NIP dan surelnya pada “Tambah orang yang sudah "
                    "memiliki akun”."
                )
            }
        )
    if nip and User.objects.filter(nip=nip).exists():
        raise ValidationError(
            {
                "nip": _(
                    "NIP ini sudah dipakai sebuah akun. Bila orangnya pindah ke unit Anda, "
                    "tambahkan dengan NIP dan surelnya pada “Tambah orang yang sudah "
                    "memiliki akun”."
                )
            }
        )


@transaction.atomic
def person_invite(
    *,
    unit: Unit,
    role: Role | str,
    email: str,
    nip: str | None = None,
    full_name: str,
    position: str = "",
    by: User | None,
) -> Membership:
    """A new account for someone who has none, the role on `unit`, and the invitation e-mail
    (after commit) whose link lets them set their own password.

    `by` must be allowed to invite on the unit (`access.can_invite`) and to grant the role.
    """
    if by is not None and not access.can_invite(by, unit):
        access.check(by, unit, Perm.MANAGE_TEAM)
        raise PermissionDenied(_("Undangan untuk orang baru dikirim oleh admin unit."))
    email = email.strip()
    nip = (nip or "").strip() or None
    _check_new_person(email=email, nip=nip)
    user = User(
        username=_username_for(nip=nip, email=email),
        email=email,
        nip=nip,
        full_name=full_name.strip(),
        position=position.strip(),
        invited_at=timezone.now(),
    )
    user.set_unusable_password()
    user.full_clean()
    record(user, by=by, reason="person_invite")
    user.save()
    membership = membership_grant(unit=unit, user=user, role=role, by=by)
    _send_invitation(user, unit=unit, role=Role(role), by=by)
    return membership


def invitation_link(user: User) -> str:
    """The address that lets the invited person set a password (absolute, for e-mails)."""
    path = reverse(
        "invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token.make_token(user),
        },
    )
    return absolute_url(path)


def _send_invitation(user: User, *, unit: Unit, role: Role, by: User | None) -> None:
    link = invitation_link(user)
    inviter = (by.get_full_name() or by.username) if by is not None else "ZI Tracker"
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[ZI Tracker] Undangan bergabung dengan tim %(unit)s") % {"unit": unit.name}
        body = render_to_string(
            "registration/invitation_email.txt",
            {
                "user": user,
                "unit": unit,
                "role": role.label,
                "inviter": inviter,
                "link": link,
                "days": settings.ZI_INVITATION_DAYS,
            },
        )
    message = (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    transaction.on_commit(lambda: send_mass_mail([message], fail_silently=False))


@transaction.atomic
def invitation_resend(*, user: User, unit: Unit, by: User | None) -> User:
    """The invitation e-mail again, with a fresh link, for someone who has not set a password
    yet (an earlier link still works until it expires; whichever is used first, the other
    dies with it, as the password changes)."""
    if by is not None:
        if not access.can_invite(by, unit):
            raise PermissionDenied(_("Undangan untuk orang baru dikirim oleh admin unit."))
        if not Membership.objects.filter(user=user, unit=unit).exists():
            raise Http404
    if not user.invitation_pending:
        raise ValidationError(_("Orang ini sudah menetapkan kata sandinya."))
    membership = Membership.objects.filter(user=user, unit=unit).first()
    user.invited_at = timezone.now()
    record(user, by=by, reason="invitation_resend")
    user.save(update_fields=["invited_at"])
    _send_invitation(
        user, unit=unit, role=Role(membership.role) if membership else Role.STAFF, by=by
    )
    return user


def find_for_team(*, identifier: str, email: str = "", by: User) -> User | None:
    """Someone the person may add to a team: an active account of the people in the subtrees
    they manage, by user name or NIP; or anyone by exact NIP *and* e-mail (a transfer from
    elsewhere). None otherwise, and nothing about anyone outside is revealed. One query."""
    identifier = identifier.strip()
    email = email.strip()
    if not identifier:
        return None
    people = User.objects.filter(is_active=True)
    by_name = Q(username=identifier) | Q(nip=identifier)
    paths = access.team_paths(by)
    inside = Q()
    if paths is not None:
        inside = Q(pk__in=[])
        for path in paths:
            inside |= Q(memberships__unit__path__startswith=path)
    condition = by_name & inside
    if email:
        condition |= Q(nip=identifier, email__iexact=email)
    return people.filter(condition).distinct().order_by("pk").first()


def _sessions_of(user: User) -> list[str]:
    """The keys of the live database sessions signed in as `user`."""
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            keys.append(session.session_key)
    return keys


def _may_deactivate(by: User, user: User) -> None:
    if by.pk == user.pk:
        raise PermissionDenied(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if by.is_superuser:
        return
    if user.is_superuser:
        raise PermissionDenied(_("Akun admin nasional hanya diubah oleh admin nasional."))
    paths = access.administered_paths(by) or []
    units = [m.unit for m in user.unit_memberships()]
    if not units:
        raise PermissionDenied(_("Orang ini tidak memegang peran di unit Anda."))
    if not all(any(unit.path.startswith(path) for path in paths) for unit in units):
        raise PermissionDenied(
            _(
                "Orang ini juga memegang peran di luar unit yang Anda kelola; mintalah admin "
                "nasional menonaktifkannya, atau cabut perannya di unit Anda."
            )
        )


@transaction.atomic
def user_deactivate(*, user: User, by: User | None) -> int:
    """Close the account: it can no longer sign in, and every session it has ends now.
    Its roles and its history stay. Returns the number of sessions ended."""
    if by is not None:
        _may_deactivate(by, user)
    user.is_active = False
    record(user, by=by, reason="user_deactivate")
    user.save(update_fields=["is_active"])
    keys = _sessions_of(user)
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def user_reactivate(*, user: User, by: User | None) -> User:
    if by is not None:
        _may_deactivate(by, user)
    user.is_active = True
    record(user, by=by, reason="user_reactivate")
    user.save(update_fields=["is_active"])
    return user
