from django.contrib import admin

from integrations.models import AccessToken, CalendarFeed, IdentityProvider


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "issuer", "is_active"]
    exclude = ["client_secret"]  # set on the SSO settings page of the application, never shown

    def has_add_permission(self, request):
        return False  # added on its page, where the issuer's configuration is read


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "read_only",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "prefix"]
    exclude = ["digest"]
    readonly_fields = ["user", "name", "prefix", "read_only", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # each person makes their own tokens


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at", "last_used_at"]
    list_select_related = ["user"]
    exclude = ["digest"]
    readonly_fields = ["user", "last_used_at"]

    def has_add_permission(self, request):
        return False
