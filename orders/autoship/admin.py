from django.contrib import admin

from .models import Autoship, AutoshipLine, AutoshipRun


class AutoshipLineInline(admin.TabularInline):
    model = AutoshipLine
    extra = 0
    raw_id_fields = ["variant"]


class AutoshipRunInline(admin.TabularInline):
    model = AutoshipRun
    extra = 0
    can_delete = False
    readonly_fields = [
        "run_date",
        "delivery_date",
        "status",
        "order",
        "payment_intent_id",
        "decline_code",
        "skipped_items",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Autoship)
class AutoshipAdmin(admin.ModelAdmin):
    list_display = ["pk", "retailer", "interval_weeks", "next_date", "status", "failed_attempts"]
    list_filter = ["status", "interval_weeks"]
    raw_id_fields = ["customer", "retailer", "source_order"]
    readonly_fields = ["gateway", "gateway_customer_id", "payment_method_id", "created_at"]
    inlines = [AutoshipLineInline, AutoshipRunInline]
