"""Writes to signing keys: upload, the trial key, which key signs which subtree, retiring.

Permission (given `by=`): the installation's keys (no owner) are managed by
national administrators (superusers); an instansi's key by the people who may
ADMINISTER its owner unit. A key is assigned to a unit by someone who manages
the key and administers that unit, within the owner's subtree. `by=None` is the
system (`make run`, commands) and is trusted.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from declarations import signing
from declarations.models import SigningKey, SigningKeyAssignment
from lib import crypto
from lib.writes import record
from units import access
from units.access import Perm
from units.models import Unit, User

TRIAL_DAYS = 3 * 365


def can_manage_key(user, key: SigningKey) -> bool:
    if user.is_superuser:
        return True
    return key.owner is not None and access.can(user, key.owner, Perm.ADMINISTER)


def check_key(user, key: SigningKey, perm: Perm = Perm.ADMINISTER) -> None:
    """404 for people who cannot see the key, as for a unit outside their tree."""
    if not can_manage_key(user, key):
        if key.owner is not None and access.perms_on(user, key.owner):
            raise PermissionDenied
        raise Http404


def _check_owner(by: User | None, owner: Unit | None) -> None:
    if by is None or by.is_superuser:
        return
    if owner is None:
        raise PermissionDenied(_("Kunci instalasi dikelola admin nasional."))
    access.check(by, owner, Perm.ADMINISTER)


@transaction.atomic
def signing_key_upload(
    *, name: str, pkcs12: bytes, passphrase: str, owner: Unit | None, by: User | None
) -> SigningKey:
    """Store an institution's PKCS#12 (encrypted) after checking that it opens and holds a key."""
    _check_owner(by, owner)
    secret = passphrase.encode("utf-8")
    facts = signing.read_pkcs12(pkcs12, secret)
    if SigningKey.objects.filter(fingerprint=facts.fingerprint).exists():
        raise ValidationError(_("Sertifikat ini sudah tersimpan."))
    return _store(name=name, pkcs12=pkcs12, secret=secret, facts=facts, owner=owner, by=by)


def _store(*, name, pkcs12, secret, facts, owner, by, is_trial=False, is_default=False):
    key = SigningKey(
        name=(name or facts.common_name)[:200],
        owner=owner,
        is_trial=is_trial,
        is_default=is_default,
        pkcs12_encrypted=crypto.encrypt(pkcs12, purpose=signing.CRYPTO_PURPOSE),
        passphrase_encrypted=crypto.encrypt(secret, purpose=signing.CRYPTO_PURPOSE),
        subject=facts.subject,
        issuer=facts.issuer,
        fingerprint=facts.fingerprint,
        not_before=facts.not_before,
        not_after=facts.not_after,
        created_by=by,
    )
    key.full_clean(exclude=["pkcs12_encrypted", "passphrase_encrypted"])
    record(key, by=by, reason="signing_key_upload" if not is_trial else "signing_key_trial")
    key.save()
    return key


@transaction.atomic
def signing_key_create_trial(*, by: User | None) -> SigningKey:
    """A self-signed key that signs at once, clearly named a trial key; the default when
    the installation has none."""
    _check_owner(by, None)
    host = urlsplit(settings.ZI_PUBLIC_BASE_URL).hostname or "localhost"
    common_name = f"ZI Tracker {host} - {signing.TRIAL_MARK}"
    secret = secrets.token_urlsafe(24).encode("utf-8")
    pkcs12 = signing.build_pkcs12(
        common_name=common_name, organisation="ZI Tracker", password=secret, days=TRIAL_DAYS
    )
    facts = signing.read_pkcs12(pkcs12, secret)
    has_default = SigningKey.objects.filter(is_default=True).exists()
    return _store(
        name=_("Kunci uji coba ZI Tracker"),
        pkcs12=pkcs12,
        secret=secret,
        facts=facts,
        owner=None,
        by=by,
        is_trial=True,
        is_default=not has_default,
    )


def ensure_trial_key() -> SigningKey | None:
    """A trial key for a fresh installation (`make run`); nothing when any key exists."""
    if SigningKey.objects.exists():
        return None
    return signing_key_create_trial(by=None)


@transaction.atomic
def signing_key_make_default(*, key: SigningKey, by: User | None) -> SigningKey:
    """The installation key that signs for every unit with no key of its own."""
    _check_owner(by, None)
    if key.owner is not None or not key.is_active:
        raise ValidationError(_("Hanya kunci instalasi yang aktif dapat menjadi kunci bawaan."))
    for previous in SigningKey.objects.select_for_update().filter(is_default=True).order_by("pk"):
        previous.is_default = False
        record(previous, by=by, reason="signing_key_default_off")
        previous.save(update_fields=["is_default"])
    key.is_default = True
    record(key, by=by, reason="signing_key_default")
    key.save(update_fields=["is_default"])
    return key


@transaction.atomic
def signing_key_retire(*, key: SigningKey, by: User | None) -> SigningKey:
    """Stop signing with a key. It stays, so the signatures it made are still recognised."""
    if by is not None:
        check_key(by, key)
    key.is_active = False
    key.is_default = False
    record(key, by=by, reason="signing_key_retire")
    key.save(update_fields=["is_active", "is_default"])
    return key


def assignable_units(user, key: SigningKey):
    """Units the person may give this key to: those they administer, within the key's owner."""
    units = Unit.objects.active()
    if key.owner is not None:
        units = units.subtree_of(key.owner)
    if user.is_superuser:
        return units
    paths = [
        m.unit.path
        for m in access.memberships_of(user)
        if Perm.ADMINISTER in access.ROLE_PERMS[m.role]
    ]
    return units.within_paths(paths)


@transaction.atomic
def signing_key_assign(*, key: SigningKey, unit: Unit, by: User | None) -> SigningKeyAssignment:
    """`key` signs the documents of `unit` and of every unit below it (unless nearer set)."""
    if by is not None:
        check_key(by, key)
        access.check(by, unit, Perm.ADMINISTER)
    if key.owner is not None and not unit.is_in_subtree_of(key.owner):
        raise ValidationError(
            _("Kunci %(key)s hanya dapat dipakai untuk %(owner)s dan unit di bawahnya.")
            % {"key": key.name, "owner": key.owner.name}
        )
    if not key.is_active:
        raise ValidationError(_("Kunci ini sudah tidak dipakai."))
    assignment = SigningKeyAssignment.objects.filter(unit=unit).first() or SigningKeyAssignment(
        unit=unit
    )
    assignment.key = key
    assignment.assigned_by = by
    assignment.full_clean()
    record(assignment, by=by, reason="signing_key_assign")
    assignment.save()
    return assignment


@transaction.atomic
def signing_key_unassign(*, assignment: SigningKeyAssignment, by: User | None) -> None:
    if by is not None:
        check_key(by, assignment.key)
        access.check(by, assignment.unit, Perm.ADMINISTER)
    record(assignment, by=by, reason="signing_key_unassign")
    assignment.delete()
