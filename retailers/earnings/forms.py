"""Earnings forms (admin actions)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone

from retailers.models import Retailer


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
