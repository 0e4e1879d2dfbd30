"""Staff screens: reward tiers (Marketing), scenes, rewards and links (read-only)."""

from django.contrib import admin

from .models import OrderAttribution, RewardTier, Scene, SceneReward, ShareLink


@admin.register(RewardTier)
class RewardTierAdmin(admin.ModelAdmin):
    list_display = ["min_sales", "credit_percent", "half_price_items", "active"]
    list_editable = ["active"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scene)
class SceneAdmin(ReadOnly):
    list_display = ["title", "code", "retailer", "date", "closes_on", "status"]
    list_filter = ["status", "delivery"]
    search_fields = ["code", "title", "retailer__display_name"]
    exclude = ["host_line1", "host_line2", "host_city", "host_state", "host_postal_code"]


@admin.register(SceneReward)
class SceneRewardAdmin(ReadOnly):
    list_display = ["scene", "sales", "credit_percent", "amount", "code", "issued_at"]


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnly):
    list_display = ["code", "retailer", "target", "created_at"]
    list_filter = ["target"]


@admin.register(OrderAttribution)
class OrderAttributionAdmin(ReadOnly):
    list_display = ["order", "scene", "share_link", "show_first_name_to_host"]
