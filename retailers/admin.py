"""Staff admin for retailers: search, filters, suspend/reactivate, SSN/EIN masked only."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Domain, Retailer, RetailerAuditEvent
from .services import (
    retailer_contact_update,
    retailer_reactivate,
    retailer_suspend,
)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Retailer)
class RetailerAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "slug",
        "retailer_number",
        "legal_name",
        "state",
        "status",
        "tax_id_masked",
        "created_at",
    ]
    list_filter = ["status", "kind", "state"]
    search_fields = ["display_name", "legal_name", "slug", "retailer_number", "email"]
    inlines = [DomainInline]
    actions = ["suspend_selected", "reactivate_selected"]
    # The SSN/EIN is never editable or shown in full here: masked only.
    readonly_fields = [
        "schema_name",
        "retailer_number",
        "status",
        "tax_id_masked",
        "terms_accepted_at",
        "privacy_accepted_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["display_name", "slug", "kind", "status", "retailer_number", "user"]}),
        (
            "Contact information",
            {
                "fields": [
                    "legal_name",
                    "email",
                    "phone",
                    "address_line1",
                    "address_line2",
                    "city",
                    "state",
                    "postal_code",
                ]
            },
        ),
        ("Tax identification", {"fields": ["tax_id_kind", "tax_id_masked"]}),
        (
            "Record",
            {
                "fields": [
                    "schema_name",
                    "terms_accepted_at",
                    "privacy_accepted_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    raw_id_fields = ["user"]

    @admin.display(description="SSN/EIN")
    def tax_id_masked(self, obj: Retailer) -> str:
        return obj.tax_id_masked or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["slug", "kind", "tax_id_kind", "user"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        contact = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name
            in (
                "legal_name",
                "email",
                "phone",
                "address_line1",
                "address_line2",
                "city",
                "state",
                "postal_code",
            )
        }
        others = [n for n in form.changed_data if n not in contact]
        if others:
            obj.save(update_fields=[*others, "updated_at"])
        if contact:
            fresh = Retailer.objects.get(pk=obj.pk)
            retailer_contact_update(retailer=fresh, actor=request.user, **contact)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Retailers are created by registration (or retailer_provision), which also
        # assigns the Retailer ID and the storefront domain.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_suspend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("retailers.suspend_retailer")

    @admin.action(
        description="Suspend selected retailers (storefront closed, back office locked)",
        permissions=["suspend"],
    )
    def suspend_selected(self, request: HttpRequest, queryset: QuerySet[Retailer]) -> None:
        count = 0
        for retailer in queryset.filter(kind=Retailer.Kind.RETAILER):
            retailer_suspend(retailer=retailer, actor=request.user)
            count += 1
        self.message_user(request, f"{count} retailer(s) suspended.", messages.SUCCESS)

    @admin.action(description="Reactivate selected retailers", permissions=["suspend"])
    def reactivate_selected(self, request: HttpRequest, queryset: QuerySet[Retailer]) -> None:
        count = 0
        for retailer in queryset.filter(kind=Retailer.Kind.RETAILER):
            retailer_reactivate(retailer=retailer, actor=request.user)
            count += 1
        self.message_user(request, f"{count} retailer(s) reactivated.", messages.SUCCESS)


@admin.register(RetailerAuditEvent)
class RetailerAuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "retailer", "action", "actor", "detail"]
    list_filter = ["action"]
    search_fields = ["retailer__retailer_number", "retailer__slug", "actor__username"]
    list_select_related = ["retailer", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
