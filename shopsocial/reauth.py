"""Password-change forms as re-authentication gates, for every kind of account.

A wrong "current password" counts toward the account's django-axes lockout, as a
failed sign-in does (and lands in axes' sign-in log); while locked out the current
password is not even checked. Used by the admin (staff) and the shopper account
pages (password and email change); the retailer back office has its own gate with audit events
(retailers/services/reauth.py).
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest

LOCKED_OUT_MESSAGE = "Too many wrong passwords. Please wait a while and try again."


class LockoutOldPasswordMixin:
    """Mix into a PasswordChangeForm; pass `request=` when building the form."""

    request: HttpRequest

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        return password_reconfirm_clean(
            request=self.request, user=self.user, check=super().clean_old_password
        )


def password_reconfirm_clean(*, request: HttpRequest, user, check):
    """Run a form's current-password `check` behind the account's sign-in lockout: refused
    while locked out, and a wrong password counts as a failed sign-in."""
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise forms.ValidationError(LOCKED_OUT_MESSAGE, code="locked_out")
    try:
        return check()
    except forms.ValidationError:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise
