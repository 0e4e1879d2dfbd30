from django.contrib import admin

from .models import Domain, Retailer


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Retailer)
class RetailerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "slug", "retailer_number", "status", "kind", "created_at"]
    list_filter = ["status", "kind", "state"]
    search_fields = ["display_name", "slug", "retailer_number", "email", "legal_name"]
    inlines = [DomainInline]
    readonly_fields = ["schema_name", "created_at", "updated_at"]
