from django.contrib import admin

from .models import AccountEmail, OrderStatusLink


@admin.register(AccountEmail)
class AccountEmailAdmin(admin.ModelAdmin):
    """Read-only: an address becomes verified only through its link (or a reset link)."""

    list_display = ["user", "verified_email", "verified_at", "pending_email", "pending_since"]
    search_fields = ["user__username", "verified_email", "pending_email"]
    readonly_fields = ["user", "verified_email", "verified_at", "pending_email", "pending_since"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OrderStatusLink)
class OrderStatusLinkAdmin(admin.ModelAdmin):
    """Revocations (Orders → action "Revoke order-status links")."""

    list_display = ["order", "version", "revoked_at", "revoked_by"]
    search_fields = ["order__number"]
    readonly_fields = ["order", "version", "revoked_at", "revoked_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
