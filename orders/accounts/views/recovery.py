"""Password recovery for every kind of account: shoppers (storefront and company site),
retailers (back office, plus "forgot my Retailer ID") and staff (the admin)."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth.views import (
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_safe

from ..forms import (
    NewPasswordForm,
    RetailerIdReminderForm,
    RetailerPasswordResetForm,
    ShopperPasswordResetForm,
    StaffPasswordResetForm,
)
from ..services import (
    account_email_proved_by_reset,
    account_password_changed_notify,
)
from .common import private_response, recovery_limited, reset_minutes_setting, site_slug


class _RecoveryRequestView(PasswordResetView):
    """Django's PasswordResetView: the form's save() asks a service, which sends nothing
    when no account matches, so the answer never says whether one exists. Rate-limited."""

    group = ""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        value = request.POST.get(getattr(form, "limit_key", ""), "")
        if recovery_limited(request, group=self.group, value=value):
            form.is_valid()
            return self.render_to_response(
                self.get_context_data(form=form, limited=True), status=429
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_minutes": reset_minutes_setting()}


class _ResetConfirmView(PasswordResetConfirmView):
    """Django's confirm view (token checked, moved to the session, single use); an expired
    or used link gets a page saying so, with the way to ask for a new one."""

    form_class = NewPasswordForm

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not self.allowed(user):
            return None
        return user

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def form_valid(self, form):
        response = super().form_valid(form)
        # The mailbox owner chose a new password: failed sign-ins with the old one no longer
        # lock them out (django-axes counts per username + address).
        axes_reset(username=form.user.get_username())
        account_password_changed_notify(user=form.user, to=self.notice_address(form.user))
        return response

    def notice_address(self, user) -> str:
        return user.email

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_minutes": reset_minutes_setting()}

    def render_to_response(self, context, **kwargs):
        return private_response(super().render_to_response(context, **kwargs))


# --- Shopper: password reset (storefront and company site) ----------------------------
class ShopperPasswordResetView(_RecoveryRequestView):
    form_class = ShopperPasswordResetForm
    template_name = "orders/account/password_reset.html"
    success_url = reverse_lazy("orders:account-password-reset-sent")
    group = "account-password-reset"


class ShopperPasswordResetConfirmView(_ResetConfirmView):
    template_name = "orders/account/password_reset_confirm.html"
    success_url = reverse_lazy("orders:account-password-reset-complete")

    def allowed(self, user) -> bool:
        return not user.is_staff and getattr(user, "retailer", None) is None

    def form_valid(self, form):
        response = super().form_valid(form)
        # The link went to the account's address: that proves it (and joins guest orders).
        account_email_proved_by_reset(user=form.user, slug=site_slug(self.request))
        return response


@require_safe
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "orders/account/password_reset_sent.html",
        {"reset_minutes": reset_minutes_setting()},
    )


@require_safe
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/account/password_reset_complete.html")


# --- Retailers: password reset and "forgot my Retailer ID" (back office) ----------------
class RetailerPasswordResetView(_RecoveryRequestView):
    form_class = RetailerPasswordResetForm
    template_name = "backoffice/password_reset.html"
    success_url = reverse_lazy("backoffice-password-reset-sent")
    group = "backoffice-password-reset"


class RetailerIdReminderView(_RecoveryRequestView):
    form_class = RetailerIdReminderForm
    template_name = "backoffice/forgot_id.html"
    success_url = reverse_lazy("backoffice-forgot-id-sent")
    group = "backoffice-forgot-id"


class RetailerPasswordResetConfirmView(_ResetConfirmView):
    template_name = "backoffice/password_reset_confirm.html"
    success_url = reverse_lazy("backoffice-password-reset-complete")

    def allowed(self, user) -> bool:
        retailer = getattr(user, "retailer", None)
        return retailer is not None and not retailer.is_company

    def notice_address(self, user) -> str:
        return user.retailer.email or user.email

    def form_valid(self, form):
        from retailers.services import retailer_password_changed_notify

        response = super().form_valid(form)
        # Addresses replaced in the last 30 days are told too (issue 30 item 3).
        retailer_password_changed_notify(retailer=form.user.retailer, include_current=False)
        return response


@require_safe
def retailer_password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "backoffice/password_reset_sent.html", {"reset_minutes": reset_minutes_setting()}
    )


@require_safe
def retailer_password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/password_reset_complete.html")


@require_safe
def retailer_id_reminder_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/forgot_id_sent.html")


# --- Staff: the admin's "Forgotten your password?" -----------------------------------------
def _admin_context() -> dict:
    from django.contrib import admin

    return {"site_header": admin.site.site_header, "site_title": admin.site.site_title}


class StaffPasswordResetView(_RecoveryRequestView):
    form_class = StaffPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")
    group = "admin-password-reset"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_admin_context()}


class StaffPasswordResetConfirmView(_ResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def allowed(self, user) -> bool:
        return user.is_staff

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_admin_context()}


class StaffPasswordResetDoneView(PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_admin_context()}


class StaffPasswordResetCompleteView(PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["login_url"] = reverse("admin:login")
        return {**context, **_admin_context()}
