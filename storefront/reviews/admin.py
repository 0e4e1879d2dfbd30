"""Moderation: staff with the Catalog role approve or reject reviews before they show."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Review
from .services import reviews_moderate


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "rating", "display_name", "status", "created_at"]
    list_filter = ["status", "rating"]
    search_fields = ["title", "product__name", "product__sku"]
    list_select_related = ["product"]
    actions = ["approve", "reject"]
    fields = [
        "product",
        "rating",
        "title",
        "body",
        "display_name",
        "status",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    readonly_fields = [f for f in fields if f != "status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only shoppers write reviews, through their order

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # reject instead: the order line keeps its one review

    def _moderate(self, request: HttpRequest, queryset: QuerySet, status: str, verb: str) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        changed = reviews_moderate(review_ids=ids, status=status, actor=request.user)
        self.message_user(request, f"{changed} review(s) {verb}.")

    @admin.action(description="Approve (show on the product page)", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, Review.Status.APPROVED, "approved")

    @admin.action(description="Reject (never shown)", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, Review.Status.REJECTED, "rejected")

    def save_model(self, request: HttpRequest, obj: Review, form, change: bool) -> None:
        # The change page decides like the actions do (time and moderator recorded).
        if "status" in form.changed_data and obj.status != Review.Status.PENDING:
            reviews_moderate(review_ids=[obj.pk], status=obj.status, actor=request.user)
