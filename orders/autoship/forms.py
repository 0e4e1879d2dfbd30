"""Self-service input: dates, intervals and quantities arrive as text and are checked here."""

from django import forms

from storefront.cart import MAX_LINE_QUANTITY

from .models import Autoship


class AutoshipScheduleForm(forms.Form):
    next_date = forms.DateField(
        label="Next delivery", widget=forms.DateInput(attrs={"type": "date"})
    )
    interval_weeks = forms.TypedChoiceField(
        label="How often", choices=Autoship.Interval.choices, coerce=int
    )


class AutoshipLineForm(forms.Form):
    line_id = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(min_value=0, max_value=MAX_LINE_QUANTITY)
