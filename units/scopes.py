"""How the units app's URLs name the objects its views receive (see `units.access.Scope`).

The unit itself is `access.UNIT` (URL keyword `code`).
"""

from django.shortcuts import get_object_or_404

from units.access import Scope
from units.models import Membership

MEMBERSHIP = Scope(
    kwarg="membership_id",
    within=("code",),
    name="membership",
    load=lambda membership_id, *, code: get_object_or_404(
        Membership.objects.select_related("user", "unit"), pk=membership_id, unit__code=code
    ),
)
