from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import CannedReply, Chat


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "active", "position"]
    list_editable = ["active", "position"]
    search_fields = ["title", "body"]


@admin.register(Chat)
class ChatAdmin(admin.ModelAdmin):
    """Read-only: a chat's transcript is its ticket's thread (open the ticket)."""

    list_display = ["id", "ticket_link", "kind", "status", "outcome", "agent", "created_at"]
    list_filter = ["status", "outcome", "kind"]
    search_fields = ["ticket__reference"]
    list_select_related = ["ticket", "agent"]
    readonly_fields = [
        "ticket_link",
        "kind",
        "storefront",
        "retailer",
        "status",
        "agent",
        "outcome",
        "created_at",
        "claimed_at",
        "closed_at",
        "transcript_sent_at",
    ]
    exclude = ["ticket", "token_hash"]

    @admin.display(description="Ticket")
    def ticket_link(self, chat: Chat) -> str:
        url = reverse("admin:privacy_ticket_change", args=[chat.ticket_id])
        return format_html('<a href="{}">{}</a>', url, chat.ticket.reference)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
