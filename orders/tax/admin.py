from django.contrib import admin

from .models import TaxRate, TaxRateOverride


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ["state", "rate", "updated_at"]
    list_editable = ["rate"]
    search_fields = ["state"]
    ordering = ["state"]


@admin.register(TaxRateOverride)
class TaxRateOverrideAdmin(admin.ModelAdmin):
    list_display = ["zip_prefix", "state", "rate", "note"]
    list_filter = ["state"]
    search_fields = ["zip_prefix", "note"]
