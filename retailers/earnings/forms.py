"""Earnings forms (admin actions)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone

from retailers.models import Retailer

from .models import PayoutAccount
from .payout_accounts import account_number_clean, routing_number_clean


class ReassignForm(forms.Form):
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    to_retailer = forms.ModelChoiceField(
        queryset=Retailer.objects.filter(kind=Retailer.Kind.RETAILER), label="New retailer"
    )
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required; kept in the audit trail.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason for the reassignment.")
        return reason


class PayoutPrepareForm(forms.Form):
    period_end = forms.DateField(
        initial=timezone.localdate,
        help_text="Pays every entry that became payable up to this day.",
        widget=admin.widgets.AdminDateWidget,
    )
    minimum = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="Leave empty for the default minimum (PAYOUT_MINIMUM).",
    )


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2999)


class PayoutAccountForm(forms.Form):
    """The back office's bank details form; the services re-check every rule."""

    holder_name = forms.CharField(
        label="Account holder", max_length=22, help_text="As the bank knows it (22 characters)."
    )
    routing_number = forms.CharField(
        label="Routing number (ABA)",
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_number = forms.CharField(
        label="Account number",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_type = forms.ChoiceField(
        label="Account type", choices=PayoutAccount.AccountType.choices, widget=forms.RadioSelect
    )
    password = forms.CharField(
        label="Your password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Changing where we pay you needs your password.",
    )

    def clean_routing_number(self) -> str:
        return routing_number_clean(self.cleaned_data["routing_number"])

    def clean_account_number(self) -> str:
        return account_number_clean(self.cleaned_data["account_number"])
