"""Pages of the project as a whole: the home page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from change_areas.models import Notification
from units import access
from units.access import signed_in
from units.models import Unit
from zi_tracker.dashboards.home import home_tasks


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """What the person has to do now, their units and roles, and new notifications.

    A constant number of queries whatever the data (see `home_tasks`).
    """
    by_unit: dict[int, dict] = {}
    for membership in access.memberships_of(request.user):
        entry = by_unit.setdefault(membership.unit_id, {"unit": membership.unit, "roles": []})
        entry["roles"].append(membership.get_role_display())
    entries = sorted(by_unit.values(), key=lambda entry: entry["unit"].path)
    roots = list(Unit.objects.filter(depth=1)) if request.user.is_superuser else []
    notices = list(Notification.objects.filter(user=request.user).unread()[:10])
    return render(
        request,
        "home.html",
        {
            "entries": entries,
            "roots": roots,
            "notices": notices,
            "tasks": home_tasks(request.user),
        },
    )
