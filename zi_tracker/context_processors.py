"""What every page's navigation needs to know about the person."""

from django.conf import settings
from django.http import HttpRequest

from units import access
from units.access import Perm
from units.models import Role


def navigation(request: HttpRequest) -> dict:
    """Menu entries by role. Reads the memberships once per request (cached on the user)."""
    user = getattr(request, "user", None)
    mailbox = {"debug_mailbox": settings.DEBUG and bool(settings.ZI_DEV_MAIL_DIR)}
    if user is None or not user.is_authenticated:
        return {"nav": {}, **mailbox}
    roles = {m.role for m in access.memberships_of(user)}
    return {
        "nav": {
            "is_admin": user.is_superuser or user.is_staff,
            "is_reviewer": bool(roles & {Role.PRE_REVIEWER, Role.TPI_REVIEWER, Role.TPN_REVIEWER})
            or user.is_superuser,
            "has_units": bool(roles) or user.is_superuser,
            "can_campaign": user.is_superuser or Role.UNIT_ADMIN in roles,
            "can_manage_keys": user.is_superuser
            or any(Perm.ADMINISTER in access.ROLE_PERMS[role] for role in roles),
            "can_propose": user.is_superuser
            or any(
                m.role == Role.UNIT_ADMIN and m.unit.depth == 1 for m in access.memberships_of(user)
            ),
        },
        **mailbox,
    }
