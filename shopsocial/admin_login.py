"""Staff sign-in to the Django admin: django-axes lockout, and TOTP two-factor.

`ADMIN_REQUIRE_2FA` (on by default; the dev and test settings turn it off) makes
the admin accept only staff verified by a django-otp device in this session.
Enrol a staff member with `manage.py staff_totp_enroll <username>`.
"""

from __future__ import annotations

from functools import partial

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.urls import reverse
from django_otp.admin import OTPAdminAuthenticationForm

from shopsocial.reauth import LockoutOldPasswordMixin

LOCKED_OUT_MESSAGE = "Too many failed sign-ins. Please wait a while and try again."


def _refuse_if_locked_out(form: forms.Form) -> None:
    username = (form.cleaned_data.get("username") or "").strip()
    if username and not AxesProxyHandler.is_allowed(form.request, {"username": username}):
        raise forms.ValidationError(LOCKED_OUT_MESSAGE, code="locked_out")


def _enforce_username_length(form: forms.Form) -> None:
    # AuthenticationForm sets username.max_length in __init__, after the field built
    # its validators, so the length was never checked: add the validator it lacks.
    field = form.fields["username"]
    if field.max_length and not any(isinstance(v, MaxLengthValidator) for v in field.validators):
        field.validators.append(MaxLengthValidator(field.max_length))


class StaffLockoutAuthenticationForm(AdminAuthenticationForm):
    """No password is checked while axes has locked this username + address.

    Failures are counted by axes' own `user_login_failed` receiver.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _enforce_username_length(self)

    def clean(self):
        _refuse_if_locked_out(self)
        return super().clean()


class StaffTwoFactorAuthenticationForm(OTPAdminAuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _enforce_username_length(self)

    def clean(self):
        _refuse_if_locked_out(self)
        return super().clean()


class StaffPasswordChangeForm(LockoutOldPasswordMixin, AdminPasswordChangeForm):
    """The admin's password change, a re-authentication gate (shopsocial/reauth.py)."""


class StaffAdminSite(AdminSite):
    site_header = "Shop Social Scenes administration"
    site_title = "Shop Social Scenes admin"

    @property
    def login_form(self):
        if settings.ADMIN_REQUIRE_2FA:
            return StaffTwoFactorAuthenticationForm
        return StaffLockoutAuthenticationForm

    @property
    def login_template(self):
        return "otp/admin111/login.html" if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_permission(request)
        if settings.ADMIN_REQUIRE_2FA:
            return allowed and request.user.is_verified()
        return allowed

    def password_change(self, request: HttpRequest, extra_context=None):
        # AdminSite.password_change, with a form bound to this request (the site object
        # is shared between threads, so the form class is never stored on it).
        from django.contrib.auth.views import PasswordChangeView

        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=partial(StaffPasswordChangeForm, request=request),
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)
