from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template.response import TemplateResponse

from .forms import ShopperCorrectionForm
from .models import AccountCorrection, AccountEmail, OrderStatusLink, ShopperAccount
from .services.corrections import shopper_account_correct


@admin.register(AccountEmail)
class AccountEmailAdmin(admin.ModelAdmin):
    """Read-only: an address becomes verified only through its link (or a reset link)."""

    list_display = ["user", "verified_email", "verified_at", "pending_email", "pending_since"]
    search_fields = ["user__username", "verified_email", "pending_email"]
    readonly_fields = ["user", "verified_email", "verified_at", "pending_email", "pending_since"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OrderStatusLink)
class OrderStatusLinkAdmin(admin.ModelAdmin):
    """Revocations (Orders → action "Revoke order-status links")."""

    list_display = ["order", "version", "revoked_at", "revoked_by"]
    search_fields = ["order__number"]
    readonly_fields = ["order", "version", "revoked_at", "revoked_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ShopperAccount)
class ShopperAccountAdmin(admin.ModelAdmin):
    """Shoppers' sign-ins for Support: read-only, with one audited correction action.

    A change request (phone, chat, ticket; the privacy policy promises it) is carried out
    with "Correct the shopper's details": the name changes at once, a new email address
    gets the confirmation link and changes nothing until it is used.
    """

    list_display = ["email", "first_name", "last_name", "date_joined", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fields = ["email", "first_name", "last_name", "date_joined", "last_login", "is_active"]
    readonly_fields = fields
    actions = ["correct_details"]

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .filter(is_staff=False, is_superuser=False, retailer__isnull=True)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # erasure goes through the privacy request, never a delete here

    def has_correct_details_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.correct_shopper_details")

    @admin.action(
        description="Correct the shopper's details (audited)", permissions=["correct_details"]
    )
    def correct_details(self, request: HttpRequest, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one account.", messages.ERROR)
            return None
        account = queryset.first()
        form = ShopperCorrectionForm(
            request.POST if "apply" in request.POST else None,
            initial={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": account.email,
                "_selected_action": [account.pk],
            },
        )
        if form.is_valid():
            try:
                changed = shopper_account_correct(
                    user_id=account.pk,
                    actor=f"staff:{request.user.pk}",
                    reason=form.cleaned_data["reason"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    email=form.cleaned_data["email"],
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                done = ", ".join(changed) if changed else "nothing to change"
                self.message_user(request, f"Account {account.pk}: {done}.")
            return None
        return TemplateResponse(
            request,
            "orders/admin/account_action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Correct the details of shopper account {account.pk}",
                "account": account,
                "form": form,
                "opts": self.model._meta,
            },
        )


@admin.register(AccountCorrection)
class AccountCorrectionAdmin(admin.ModelAdmin):
    """Who corrected which shopper's details, and why (append-only)."""

    list_display = ["created_at", "user", "actor", "fields", "reason"]
    search_fields = ["user__email", "actor", "reason"]
    readonly_fields = ["created_at", "user", "actor", "fields", "reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
