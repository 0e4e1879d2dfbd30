"""US contact data: one postal address definition and one phone rule for every form.

States and ZIP codes come from django-localflavor, phone numbers from phonenumbers
(stored as E.164, shown in the national format). Checkout (shipping and billing),
registration, the back-office Contact Information page and the admin all build their
address fields with `address_form_fields()`; a field's rules live only here.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from localflavor.us.forms import USStateField, USZipCodeField
from localflavor.us.us_states import (
    ARMED_FORCES_STATES,
    CONTIGUOUS_STATES,
    NON_CONTIGUOUS_STATES,
    STATE_CHOICES,
    US_TERRITORIES,
)

# --- Phone -------------------------------------------------------------------

PHONE_MESSAGE = "Enter a US phone number with area code, like (512) 555-0142."


def phone_normalize(value: str) -> str:
    """A valid North American number as E.164 (+15125550142), or ValidationError."""
    try:
        number = phonenumbers.parse(value or "", "US")
    except phonenumbers.NumberParseException:
        raise ValidationError(PHONE_MESSAGE, code="phone") from None
    if number.country_code != 1 or not phonenumbers.is_valid_number(number):
        raise ValidationError(PHONE_MESSAGE, code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """An E.164 number in the national format, (512) 555-0142; anything else unchanged."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value  # typed before the rule existed: show it as it was stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class PhoneField(forms.CharField):
    """Cleans to E.164; shows a stored number nationally when the form is rendered."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        return phone_normalize(value)

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith("+"):
            return phone_display(value)
        return value


# --- Postal address ------------------------------------------------------------

# Street addresses: letters, digits, spaces and # . , ' - / & only.
ADDRESS_LINE_RE = re.compile(r"^[\w .,'’#/&-]+$")
CITY_RE = re.compile(r"^[^\W\d_]+(?:[ .'’-]+[^\W\d_]+)*\.?$")
# The 50 states and the District of Columbia (the select also offers the territories and
# military mail codes).
STATES_AND_DC = frozenset(code for code, _name in CONTIGUOUS_STATES + NON_CONTIGUOUS_STATES)
# Everything the state list offers (issue 28): the states and DC, the territories (Puerto
# Rico, Guam, the US Virgin Islands, American Samoa, the Northern Mariana Islands) and the
# military and diplomatic mail codes AA, AE and AP (APO/FPO/DPO). All are domestic USPS mail.
US_TERRITORY_CODES = frozenset(code for code, _name in US_TERRITORIES)
MILITARY_MAIL_CODES = frozenset(code for code, _name in ARMED_FORCES_STATES)
STATE_LIST_CODES = STATES_AND_DC | US_TERRITORY_CODES | MILITARY_MAIL_CODES
ZIP_MESSAGE = "Enter a ZIP code like 78701 or 78701-1234."
STATE_MESSAGE = "Choose a US state from the list."


def _collapse_spaces(value: str) -> str:
    return " ".join((value or "").split())


def address_line_validate(value: str) -> None:
    if value and not ADDRESS_LINE_RE.match(value):
        raise ValidationError(
            "Use letters, digits, spaces and the characters # . , ' - / & only.",
            code="address_chars",
        )


def city_validate(value: str) -> None:
    if value and not CITY_RE.match(value):
        raise ValidationError("Use letters, spaces and the characters . ' - only.", code="city")


class _CollapsedTextField(forms.CharField):
    def to_python(self, value):
        return _collapse_spaces(super().to_python(value))


class AddressNames(NamedTuple):
    """The names a model or form gives the five parts of an address."""

    line1: str
    line2: str
    city: str
    state: str
    postal_code: str

    @classmethod
    def prefixed(cls, prefix: str) -> AddressNames:
        return cls(*(f"{prefix}{part}" for part in cls._fields))


def address_form_fields(
    names: AddressNames, *, section: str = "", label: str = "", required: bool = True
) -> dict[str, forms.Field]:
    """The form fields of one US address, named by `names`.

    `section` is the autocomplete section ("shipping", "billing"); `label` prefixes
    every label ("Billing"); `required=False` leaves the required-ness to the form.
    """

    def auto(token: str) -> dict[str, str]:
        return {"autocomplete": f"{section} {token}".strip()}

    def caption(text: str) -> str:
        # "Billing city", but an acronym keeps its capitals: "Billing ZIP code".
        first = text[0] if text[1:2].isupper() else text[0].lower()
        return f"{label} {first}{text[1:]}" if label else text

    text_parts = [  # name, label, max length, required, validator, autocomplete token
        (names.line1, "Street address", 120, required, address_line_validate, "address-line1"),
        (names.line2, "Apartment, suite, etc. (optional)", 120, False, address_line_validate,
         "address-line2"),
        (names.city, "City", 80, required, city_validate, "address-level2"),
    ]  # fmt: skip
    fields: dict[str, forms.Field] = {
        name: _CollapsedTextField(
            label=caption(text),
            max_length=max_length,
            required=is_required,
            validators=[validator],
            widget=forms.TextInput(attrs=auto(token)),
        )
        for name, text, max_length, is_required, validator, token in text_parts
    }
    fields[names.state] = USStateField(
        label=caption("State"),
        required=required,
        error_messages={"invalid": STATE_MESSAGE},
        widget=forms.Select(
            attrs=auto("address-level1"), choices=[("", "Choose a state"), *STATE_CHOICES]
        ),
    )
    fields[names.postal_code] = USZipCodeField(
        label=caption("ZIP code"),
        max_length=10,
        required=required,
        error_messages={"invalid": ZIP_MESSAGE},
        widget=forms.TextInput(attrs={**auto("postal-code"), "inputmode": "numeric"}),
    )
    return fields


def address_form(names: AddressNames, **kwargs) -> type[forms.Form]:
    """A form class holding only the address fields, to mix into another form."""
    return type("AddressForm", (forms.Form,), address_form_fields(names, **kwargs))
