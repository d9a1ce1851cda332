from django.urls import path

from units import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("<unitcode:code>/", views.unit_detail, name="detail"),
    path("<unitcode:code>/tim/", views.unit_team, name="team"),
    path("<unitcode:code>/tim/tambah/", views.membership_grant, name="membership_grant"),
    path("<unitcode:code>/tim/undang/", views.person_invite, name="person_invite"),
    path("<unitcode:code>/tim/impor/", views.invitations_import, name="invitations_import"),
    path(
        "<unitcode:code>/tim/<int:membership_id>/undang-ulang/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<unitcode:code>/tim/<int:membership_id>/aktif/",
        views.user_deactivate,
        name="user_deactivate",
    ),
    path(
        "<unitcode:code>/tim/<int:membership_id>/cabut/",
        views.membership_revoke,
        name="membership_revoke",
    ),
    path("<unitcode:code>/logo/", views.unit_logo, name="logo"),
]
