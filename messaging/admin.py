from django.contrib import admin

from messaging.models import Channel, Delivery, Subscription


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "recipient_label", "is_active", "updated_at"]
    exclude = ["url"]  # the secret is set on the channel page of the application, never shown

    def has_add_permission(self, request):
        return False  # channels are added on their page, where the Apprise URL is checked


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "channel", "created_at"]
    list_select_related = ["user", "channel"]
    search_fields = ["user__username", "user__full_name"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "channel", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]
    list_select_related = ["user", "channel"]
    search_fields = ["user__username", "subject"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False
