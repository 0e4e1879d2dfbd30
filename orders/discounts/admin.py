from django.contrib import admin
from django.db.models import Count, Q

from .models import DiscountCode, DiscountRedemption


class DiscountRedemptionInline(admin.TabularInline):
    model = DiscountRedemption
    extra = 0
    can_delete = False
    fields = ["order", "amount", "status", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DiscountCode)
class DiscountCodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value",
        "min_merchandise",
        "valid_from",
        "valid_to",
        "max_uses",
        "uses",
        "active",
        "source",
    ]
    list_filter = ["active", "kind", "source"]
    search_fields = ["code", "description"]
    readonly_fields = ["source", "created_at"]
    inlines = [DiscountRedemptionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _uses=Count(
                    "redemptions",
                    filter=Q(redemptions__status__in=["reserved", "redeemed"]),
                )
            )
        )

    @admin.display(description="uses (reserved + redeemed)", ordering="_uses")
    def uses(self, obj) -> int:
        return obj._uses

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders reference codes: deactivate instead
