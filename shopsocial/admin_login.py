"""Staff sign-in to the Django admin, behind the same django-axes lockout as the back office."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm

LOCKED_OUT_MESSAGE = "Too many failed sign-ins. Please wait a while and try again."


class StaffLockoutAuthenticationForm(AdminAuthenticationForm):
    """Refuses to check a password while axes has locked this username + address.

    Failures are counted by axes' own `user_login_failed` receiver.
    """

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username and not AxesProxyHandler.is_allowed(self.request, {"username": username}):
            raise forms.ValidationError(LOCKED_OUT_MESSAGE, code="locked_out")
        return super().clean()
