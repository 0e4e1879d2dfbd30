"""Returns in the admin: Fulfilment marks a parcel received, records at inspection how
many of each line are accepted, and refunds (through the order's refund service)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from .models import ReturnLine, ReturnRequest
from .services import ReturnError, return_receive, return_refund, return_reject


def _actor(request: HttpRequest) -> str:
    return f"staff:{request.user.pk}"


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = ("order_line", "quantity", "reason", "accepted_quantity", "refund_amount")
    readonly_fields = ("order_line", "quantity", "reason", "refund_amount")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Inspection happens while the parcel is in the warehouse, before the refund.
        return (
            obj is not None
            and obj.status == ReturnRequest.Status.RECEIVED
            and super().has_change_permission(request, obj)
        )


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ("number", "order", "status", "received_at", "refund_amount")
    list_filter = ("status",)
    search_fields = ("number", "order__number")
    inlines = [ReturnLineInline]
    readonly_fields = (
        "number",
        "order",
        "status",
        "note",
        "requested_by",
        "created_at",
        "received_at",
        "received_by",
        "refunded_at",
        "refund_amount",
        "refund_shipping",
    )
    actions = ["mark_received", "refund", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.refund_returnrequest")

    def _each(self, request, queryset, service, done: str) -> None:
        for item in queryset:
            try:
                service(return_id=item.pk, actor=_actor(request))
            except ReturnError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"Return {item.number} {done}.")

    @admin.action(description="Mark received (the parcel is here)", permissions=["change"])
    def mark_received(self, request: HttpRequest, queryset) -> None:
        self._each(request, queryset, return_receive, "marked received")

    @admin.action(
        description="Refund the accepted items (after inspection)", permissions=["refund"]
    )
    def refund(self, request: HttpRequest, queryset) -> None:
        self._each(request, queryset, return_refund, "refunded")

    @admin.action(description="Reject (nothing is refunded)", permissions=["change"])
    def reject(self, request: HttpRequest, queryset) -> None:
        self._each(request, queryset, return_reject, "rejected")
