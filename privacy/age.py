"""The age screen: a neutral question wherever personal data is collected for an
account or for marketing. Under 13: nothing is stored and the visitor gets a
kind message (COPPA).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

MINIMUM_AGE = 13
UNDER_AGE_MESSAGE = (
    "Thanks for your interest! We're not able to sign you up, but you're welcome to keep browsing."
)


def age_from_birth_year(birth_year: int, *, today=None) -> int:
    """The youngest age a person born in `birth_year` can be today."""
    today = today or timezone.localdate()
    return today.year - birth_year - 1


def is_under_minimum_age(birth_year: int, *, today=None) -> bool:
    # Born in the year exactly 13 years ago may still be 12: screen them out too.
    return age_from_birth_year(birth_year, today=today) < MINIMUM_AGE


class AgeScreenMixin(forms.Form):
    """Add to a form; call `is_under_age()` after `is_valid()` and store nothing if True.

    The question is neutral (a year, no hint of the cut-off) and the answer itself
    is never stored.
    """

    birth_year = forms.IntegerField(
        label="What year were you born?",
        min_value=1900,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )

    def clean_birth_year(self) -> int:
        year = self.cleaned_data["birth_year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError("Please enter a year that has already happened.")
        return year

    def is_under_age(self) -> bool:
        return is_under_minimum_age(self.cleaned_data["birth_year"])
