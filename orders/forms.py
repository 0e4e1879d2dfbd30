"""Checkout and account forms. There is no card field anywhere: the gateway's page takes cards."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator

from privacy.age import AgeScreenMixin

from .services import CustomerDetails
from .tax.engines import SHIPPING_STATES

US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "PR",
    "GU",
    "VI",
    "AS",
    "MP",
]
zip_validator = RegexValidator(r"^\d{5}(-\d{4})?$", "Enter a ZIP code like 92693 or 92693-1234.")
phone_validator = RegexValidator(
    r"^[0-9+()\-. ]{7,30}$", "Enter a phone number using digits, spaces, + ( ) - or ."
)


def _state_clean(value: str) -> str:
    value = value.strip().upper()
    if value and value not in US_STATES:
        raise forms.ValidationError("Enter a two-letter US state code, like CA.")
    return value


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    full_name = forms.CharField(
        label="Full name", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=30,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    ship_line1 = forms.CharField(
        label="Street address",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "shipping address-line1"}),
    )
    ship_line2 = forms.CharField(
        label="Apartment, suite (optional)",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "shipping address-line2"}),
    )
    ship_city = forms.CharField(
        label="City",
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "shipping address-level2"}),
    )
    ship_state = forms.CharField(
        label="State",
        max_length=2,
        widget=forms.TextInput(attrs={"autocomplete": "shipping address-level1", "size": 3}),
    )
    ship_postal_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        validators=[zip_validator],
        widget=forms.TextInput(attrs={"autocomplete": "shipping postal-code", "size": 10}),
    )
    billing_same_as_shipping = forms.BooleanField(
        label="Billing address is the same as shipping", required=False, initial=True
    )
    bill_line1 = forms.CharField(
        label="Billing street address",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "billing address-line1"}),
    )
    bill_line2 = forms.CharField(
        label="Billing apartment, suite (optional)",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "billing address-line2"}),
    )
    bill_city = forms.CharField(
        label="Billing city",
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "billing address-level2"}),
    )
    bill_state = forms.CharField(
        label="Billing state",
        max_length=2,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "billing address-level1", "size": 3}),
    )
    bill_postal_code = forms.CharField(
        label="Billing ZIP code",
        max_length=10,
        required=False,
        validators=[zip_validator],
        widget=forms.TextInput(attrs={"autocomplete": "billing postal-code", "size": 10}),
    )
    note = forms.CharField(
        label="Note for the order (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shipping_method = forms.ChoiceField(
        label="Shipping method", widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args, shipping_methods=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shipping_methods = list(shipping_methods)
        self.fields["shipping_method"].choices = [
            (m.code, f"{m.name} ({m.delivery_estimate})") for m in self.shipping_methods
        ]
        if self.shipping_methods and not self.initial.get("shipping_method"):
            self.initial["shipping_method"] = self.shipping_methods[0].code

    SHIPPING_FIELDS = ["ship_line1", "ship_line2", "ship_city", "ship_state", "ship_postal_code"]
    BILLING_FIELDS = ["bill_line1", "bill_line2", "bill_city", "bill_state", "bill_postal_code"]

    def clean_ship_state(self) -> str:
        state = _state_clean(self.cleaned_data["ship_state"])
        if state and state not in SHIPPING_STATES:
            raise forms.ValidationError(
                "We ship only to the 50 US states and the District of Columbia."
            )
        return state

    def clean_bill_state(self) -> str:
        return _state_clean(self.cleaned_data["bill_state"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("billing_same_as_shipping"):
            for name in ("bill_line1", "bill_city", "bill_state", "bill_postal_code"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "Required when billing differs from shipping.")
        else:
            for name in self.BILLING_FIELDS:
                data[name] = ""
        return data

    def customer_details(self) -> CustomerDetails:
        fields = CustomerDetails.__dataclass_fields__
        return CustomerDetails(**{k: v for k, v in self.cleaned_data.items() if k in fields})


class RefundForm(forms.Form):
    """Admin: refund everything left, or an amount."""

    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    amount = forms.DecimalField(
        label="Amount to refund (leave empty to refund everything not yet refunded)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )


class ShipForm(forms.Form):
    """Admin: carrier and tracking number for "mark shipped"."""

    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    carrier = forms.CharField(label="Carrier", max_length=40)
    tracking_number = forms.CharField(label="Tracking number", max_length=80)


class SignupForm(AgeScreenMixin, forms.Form):
    email = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    full_name = forms.CharField(
        label="Full name", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(username=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Sign in instead."
            )
        return email

    def clean(self) -> dict:
        data = super().clean()
        password = data.get("password")
        if password:
            user = get_user_model()(username=data.get("email", ""), email=data.get("email", ""))
            try:
                validate_password(password, user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class LoginForm(forms.Form):
    email = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
