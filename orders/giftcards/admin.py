"""Gift cards in the admin: read-only cards and ledger, and Finance's liability report."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from .models import GiftCard, GiftCardEntry, GiftCardProduct
from .selectors import giftcard_liability


class GiftCardEntryInline(admin.TabularInline):
    model = GiftCardEntry
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "amount", "balance_after", "order", "actor")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(GiftCard)
class GiftCardAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "initial_amount", "balance", "issued_at", "last_activity_at")
    list_filter = ("kind",)
    search_fields = ("code",)
    inlines = [GiftCardEntryInline]
    # The full code is a bearer instrument: shown only as its last four characters.
    exclude = ("code",)
    readonly_fields = (
        "masked_code",
        "kind",
        "currency",
        "initial_amount",
        "balance",
        "owner",
        "source_order",
        "recipient_email",
        "recipient_name",
        "issued_at",
        "last_activity_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        report = path(
            "finance-report/",
            self.admin_site.admin_view(self.finance_report),
            name="giftcards_finance_report",
        )
        return [report, *super().get_urls()]

    def finance_report(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("giftcards.finance_report"):
            raise PermissionDenied
        rows = giftcard_liability()
        context = {
            **self.admin_site.each_context(request),
            "title": "Gift cards and store credit: outstanding balance",
            "rows": rows,
            "total": sum((r.outstanding for r in rows), start=0),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/giftcards/finance_report.html", context)


@admin.register(GiftCardProduct)
class GiftCardProductAdmin(admin.ModelAdmin):
    """Which catalog product is sold as a gift card (its variants are the amounts)."""

    list_display = ("product",)
    raw_id_fields = ("product",)
