"""Pages of the project as a whole: the home page, and the development mailbox."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from change_areas.models import Notification
from lib import mail
from lib.view_permissions import public
from units import access
from units.models import Unit
from zi_tracker import public as public_portal
from zi_tracker.dashboards.home import home_tasks


@public
def home(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors: the public home. Signed in: what the person has to do now,
    their units and roles, and new notifications.

    A constant number of queries whatever the data (see `home_tasks`).
    """
    if not request.user.is_authenticated:
        return public_portal.home(request)
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


@public
def dev_mailbox(request: HttpRequest) -> HttpResponse:
    """Development only (DEBUG): the e-mails this installation sent, newest first, so that
    invitations and password resets can be followed without a mail server. 404 otherwise."""
    if not settings.DEBUG:
        raise Http404
    return render(request, "dev_mailbox.html", {"messages_kept": mail.recent()})


@public
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the static one."""
    return redirect(static("img/favicon.ico"), permanent=True)
