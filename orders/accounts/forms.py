"""Account forms. Reset and reminder forms `save()` through a service, so Django's
PasswordResetView drives them; the services send nothing when no account matches."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm

from shopsocial.reauth import LockoutOldPasswordMixin, password_reconfirm_clean

from . import services
from .links import site_slug


class ShopperPasswordResetForm(forms.Form):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    limit_key = "email"

    def save(self, *, request=None, **_ignored) -> None:
        services.shopper_password_reset_request(
            email=self.cleaned_data["email"], slug=site_slug(request)
        )


class StaffPasswordResetForm(ShopperPasswordResetForm):
    def save(self, *, request=None, **_ignored) -> None:
        services.staff_password_reset_request(email=self.cleaned_data["email"])


class RetailerPasswordResetForm(forms.Form):
    identifier = forms.CharField(
        label="Retailer ID or username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    limit_key = "identifier"

    def save(self, *, request=None, **_ignored) -> None:
        services.retailer_password_reset_request(identifier=self.cleaned_data["identifier"])


class RetailerIdReminderForm(forms.Form):
    email = forms.EmailField(
        label="The email address on file for your shop",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    limit_key = "email"

    def save(self, *, request=None, **_ignored) -> None:
        services.retailer_number_reminder_send(email=self.cleaned_data["email"])


class NewPasswordForm(SetPasswordForm):
    """Django's set-password form (its validators), labelled for people."""


class ShopperPasswordChangeForm(LockoutOldPasswordMixin, PasswordChangeForm):
    """A wrong current password counts toward the sign-in lockout (shopsocial/reauth.py)."""


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        # Changing the address is the first step of a takeover: the same lockout as sign-in.
        return password_reconfirm_clean(
            request=self.request, user=self.user, check=self._password_checked
        )

    def _password_checked(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password


class ShopperCorrectionForm(forms.Form):
    """Admin: Support corrects a shopper's name, or starts an email change, with a reason."""

    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email (a new address must confirm by its link before it takes effect)",
        max_length=254,
    )
    reason = forms.CharField(
        label="Why (ticket reference, or 'phone call' and the date)", max_length=150
    )
