from django.urls import path

from units.views import team, units

app_name = "units"

urlpatterns = [
    path("", units.unit_list, name="list"),
    path("<unitcode:code>/", units.unit_detail, name="detail"),
    path("<unitcode:code>/tim/", team.unit_team, name="team"),
    path("<unitcode:code>/tim/tambah/", team.membership_grant, name="membership_grant"),
    path("<unitcode:code>/tim/undang/", team.person_invite, name="person_invite"),
    path("<unitcode:code>/tim/impor/", team.invitations_import, name="invitations_import"),
    path(
        "<unitcode:code>/tim/<int:membership_id>/undang-ulang/",
        team.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<unitcode:code>/tim/<int:membership_id>/aktif/",
        team.user_deactivate,
        name="user_deactivate",
    ),
    path(
        "<unitcode:code>/tim/<int:membership_id>/cabut/",
        team.membership_revoke,
        name="membership_revoke",
    ),
    path("<unitcode:code>/logo/", units.unit_logo, name="logo"),
]
