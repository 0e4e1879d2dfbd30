"""Staff admin for retailers: search, filters, suspend/reactivate, SSN/EIN masked.

The full SSN/EIN is shown only on its own page, to staff with
`retailers.reveal_tax_id` (Compliance), after they type their password again;
each view is audited and wrong passwords count toward their sign-in lockout.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters

from shopsocial.contact import PhoneField, address_form_fields

from .forms import PasswordConfirmForm
from .models import Domain, Retailer, RetailerAuditEvent
from .services import (
    ReauthGate,
    ReauthLockedOut,
    reauth_failure_record,
    reauth_gate_check,
    retailer_contact_update,
    retailer_reactivate,
    retailer_suspend,
    retailer_tax_id_reveal,
)

REVEAL_PERMISSION = "retailers.reveal_tax_id"


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class RetailerAdminForm(forms.ModelForm):
    """Contact fields with the same rules as registration and the back office."""

    class Meta:
        model = Retailer
        fields = list(Retailer.CONTACT_FIELDS)  # the admin adds the rest from its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Optional here: the company row has no address.
        self.fields.update(address_form_fields(Retailer.ADDRESS, required=False))
        self.fields["phone"] = PhoneField(required=False)


CONTACT_PERMISSIONS = (
    "retailers.change_retailer",
    "retailers.suspend_retailer",
    "earnings.run_payouts",
    "earnings.year_end_report",
)


@admin.register(Retailer)
class RetailerAdmin(admin.ModelAdmin):
    form = RetailerAdminForm
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
        "tax_id_reveal_link",
        "terms_accepted_at",
        "privacy_accepted_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["display_name", "slug", "kind", "status", "retailer_number", "user"]}),
        (
            "Contact information",
            {"fields": list(Retailer.CONTACT_FIELDS)},
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

    @admin.display(description="Full SSN/EIN")
    def tax_id_reveal_link(self, obj: Retailer) -> str:
        if not obj.tax_id_encrypted:
            return "—"
        url = reverse("admin:retailers_retailer_tax_id_reveal", args=[obj.pk])
        return format_html('<a href="{}">Reveal (password, audited)</a>', url)

    def _sees_contact(self, request: HttpRequest) -> bool:
        """Retailer contact data (email, phone, address) only for the roles whose job
        needs it: Support (changes by phone), Compliance, Finance (payouts, 1099);
        Marketing does not (issue 30 item 10)."""
        return any(request.user.has_perm(p) for p in CONTACT_PERMISSIONS)

    def get_search_fields(self, request: HttpRequest):
        fields = list(super().get_search_fields(request))
        return fields if self._sees_contact(request) else [f for f in fields if f != "email"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._sees_contact(request):
            fieldsets = [(name, opts) for name, opts in fieldsets if name != "Contact information"]
        if obj is None or not request.user.has_perm(REVEAL_PERMISSION):
            return fieldsets
        return [
            (name, {**opts, "fields": [*opts["fields"], "tax_id_reveal_link"]})
            if name == "Tax identification"
            else (name, opts)
            for name, opts in fieldsets
        ]

    def get_urls(self):
        return [
            path(
                "<int:pk>/reveal-tax-id/",
                self.admin_site.admin_view(self.tax_id_reveal_view),
                name="retailers_retailer_tax_id_reveal",
            ),
            *super().get_urls(),
        ]

    @method_decorator(sensitive_post_parameters("password"))
    def tax_id_reveal_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(REVEAL_PERMISSION):
            raise PermissionDenied
        retailer = Retailer.objects.filter(pk=pk, kind=Retailer.Kind.RETAILER).first()
        if retailer is None:
            raise Http404
        form = PasswordConfirmForm(request.POST if request.method == "POST" else None)
        revealed, status = "", 200
        if request.method == "POST" and form.is_valid():
            gate = {
                "request": request,
                "retailer": retailer,
                "user": request.user,
                "gate": ReauthGate.TAX_ID_REVEAL,
            }
            try:
                reauth_gate_check(**gate)
                revealed = retailer_tax_id_reveal(
                    retailer=retailer, actor=request.user, password=form.cleaned_data["password"]
                )
            except ReauthLockedOut as exc:
                form.add_error("password", exc.args[0])
                status = 403
            except PermissionDenied:
                reauth_failure_record(**gate)
                form.add_error("password", "That password is not right.")
                status = 403
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reveal the SSN/EIN of {retailer.display_name}",
            "retailer": retailer,
            "form": form,
            "revealed": revealed,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "retailers/admin/tax_id_reveal.html", context)
        response.status_code = status
        return response  # admin_view already marks it never_cache (no-store)

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
            if name in Retailer.CONTACT_FIELDS
        }
        others = [n for n in form.changed_data if n not in contact]
        if others:
            obj.save(update_fields=[*others, "updated_at"])
        if contact:
            fresh = Retailer.objects.get(pk=obj.pk)
            retailer_contact_update(retailer=fresh, actor=request.user, **contact)
            if "email" in contact:
                # Support cannot take a retailer over by its email (issue 30 item 3).
                self.message_user(
                    request,
                    "The email address is not changed yet: a confirmation link went to the "
                    "new address (the retailer confirms it signed in), and the current "
                    "address was told.",
                    level=messages.WARNING,
                )

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
