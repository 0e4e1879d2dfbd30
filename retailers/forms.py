"""Forms: parse and validate input with clear messages; services do the writing."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone

from orders.models import Order
from shopsocial.contact import PhoneField, address_form

from . import validators as v
from .models import Retailer

User = get_user_model()
MINIMUM_RETAILER_AGE = 18


def _clean_text(value: str) -> str:
    return " ".join((value or "").split())


class _ContactFieldsMixin(address_form(Retailer.ADDRESS)):
    legal_name = forms.CharField(
        label="Legal name",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = PhoneField()

    field_order = list(Retailer.CONTACT_FIELDS)

    def clean_legal_name(self) -> str:
        value = _clean_text(self.cleaned_data["legal_name"])
        v.name_validate(value)
        return value

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RegistrationForm(_ContactFieldsMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].help_text = (
            "3 to 30 letters a–z, digits or hyphens: your shop will be at "
            f"yourname.{settings.SHOP_DOMAIN}"
        )

    tax_id_kind = forms.ChoiceField(
        label="Which number will you give us?",
        choices=Retailer.TaxIdKind.choices,
        widget=forms.RadioSelect,
        initial=Retailer.TaxIdKind.SSN,
    )
    tax_id = forms.CharField(
        label="SSN or EIN",
        max_length=20,
        strip=True,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "off", "inputmode": "numeric"}
        ),
        help_text="A Social Security number (123-45-6789) or an EIN (12-3456789). "
        "Stored encrypted; shown only masked.",
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        help_text="You must be 18 or older. Used only to check your age; not stored.",
    )
    display_name = forms.CharField(
        label="Storefront name",
        max_length=80,
        help_text="Shown at the top of your shop, e.g. “Kristanna's Cozy Corner”.",
    )
    slug = forms.CharField(
        label="Storefront web address",
        max_length=60,
        help_text="3 to 30 letters a–z, digits or hyphens: this becomes yourname.<our domain>.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label="Password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # --- team (issue 25): the sponsor, by Retailer ID ("" = placed under the company)
    sponsor = forms.CharField(label="Your sponsor's Retailer ID", max_length=20, required=False)
    sponsor_search = forms.CharField(
        label="Find your sponsor by name, city, ZIP code or Retailer ID",
        max_length=100,
        required=False,
    )
    # --- end team
    accept_terms = forms.BooleanField(
        label="I accept the retailer terms",
        error_messages={"required": "Please accept the retailer terms to register."},
    )
    accept_privacy = forms.BooleanField(
        label="I have read the Privacy Policy",
        error_messages={"required": "Please confirm you have read the Privacy Policy."},
    )

    def clean_tax_id(self) -> str:
        # Normalised together with the kind in clean(); keep the raw value for now.
        return self.cleaned_data["tax_id"]

    def clean_sponsor(self):
        """The sponsor as a Retailer (None: placed under the company)."""
        from .team.services import sponsor_for_number

        number = self.cleaned_data["sponsor"].strip()
        if not number:
            return None
        sponsor = sponsor_for_number(number)
        if sponsor is None:
            raise ValidationError(
                "No active retailer has that Retailer ID. Find your sponsor, or choose "
                "“No sponsor”."
            )
        return sponsor

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise ValidationError("Your date of birth cannot be in the future.")
        if born.year < 1900:
            raise ValidationError("Please check the year of your date of birth.")
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age < MINIMUM_RETAILER_AGE:
            raise ValidationError("You must be 18 or older to become a retailer.")
        return born

    def clean_display_name(self) -> str:
        value = _clean_text(self.cleaned_data["display_name"])
        v.display_name_validate(value)
        return value

    def clean_slug(self) -> str:
        slug = v.subdomain_normalize(self.cleaned_data["slug"])
        if Retailer.objects.filter(slug__iexact=slug).exists():
            raise ValidationError("That web address is already taken. Please choose another.")
        return slug

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        ASCIIUsernameValidator()(username)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("That username is already taken. Please choose another.")
        return username

    def clean_email(self) -> str:
        email = super().clean_email()
        if Retailer.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "A retailer with this email address already exists. "
                "Sign in to the back office instead."
            )
        return email

    def clean(self):
        data = super().clean()
        kind, raw = data.get("tax_id_kind"), data.get("tax_id")
        if kind and raw is not None:
            try:
                data["tax_id_digits"] = (
                    v.ein_normalize(raw) if kind == Retailer.TaxIdKind.EIN else v.ssn_normalize(raw)
                )
            except ValidationError as exc:
                self.add_error("tax_id", exc)
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1 and "username" in data:
            user = User(username=data["username"], email=data.get("email", ""))
            user.first_name = data.get("legal_name", "")
            try:
                password_validation.validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SignInForm(forms.Form):
    retailer_number = forms.CharField(
        label="Retailer ID",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_retailer_number(self) -> str:
        value = v.retailer_number_normalize(self.cleaned_data["retailer_number"])
        if not v.retailer_number_is_valid(value):
            raise ValidationError(
                "That is not a valid Retailer ID: check the number in your welcome email."
            )
        return value


class OtpForm(forms.Form):
    otp_token = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].strip()
        if not token.isdigit():
            raise ValidationError("Enter the 6 digits your app shows.")
        return token


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ContactForm(_ContactFieldsMixin):
    pass


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Order.Status.choices])
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    number = forms.CharField(label="Order number", required=False, max_length=20)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "“To” must be on or after “From”.")
        return data


class StorefrontForm(forms.Form):
    display_name = forms.CharField(label="Storefront name", max_length=80)
    about = forms.CharField(
        label="About you",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Plain text, up to 4,000 characters.",
    )
    photo = forms.FileField(
        label="Photo (JPEG, PNG, WebP or GIF, up to 5 MB)",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    photo_alt = forms.CharField(
        label="Describe the photo (for people using screen readers)",
        required=False,
        max_length=200,
    )
    remove_photo = forms.BooleanField(label="Remove the current photo", required=False)
    featured = forms.TypedMultipleChoiceField(
        label="Featured products",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Up to 12 products shown first on your storefront.",
    )

    MAX_FEATURED = 12

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["featured"].choices = [(p.pk, f"{p.name} (${p.price})") for p in products]

    def clean_display_name(self) -> str:
        value = _clean_text(self.cleaned_data["display_name"])
        if not value:
            raise ValidationError("Your storefront needs a name.")
        v.display_name_validate(value)
        return value

    def clean_about(self) -> str:
        value = self.cleaned_data["about"].replace("\r\n", "\n").strip()
        if "\x00" in value:
            raise ValidationError("The text contains characters we cannot store.")
        return value

    def clean_photo_alt(self) -> str:
        value = _clean_text(self.cleaned_data["photo_alt"])
        v.display_name_validate(value)
        return value

    def clean_photo(self):
        from storefront.content.services import photo_reencode

        photo = self.cleaned_data.get("photo")
        if photo:
            photo_reencode(photo)  # type, size and readability; re-encoded again on save
            photo.seek(0)
        return photo

    def clean_featured(self) -> list[int]:
        featured = self.cleaned_data["featured"]
        if len(featured) > self.MAX_FEATURED:
            raise ValidationError(f"Choose at most {self.MAX_FEATURED} featured products.")
        return featured

    def clean(self):
        data = super().clean()
        if data.get("photo") and not data.get("photo_alt"):
            self.add_error("photo_alt", "Please describe the photo in a few words.")
        return data


class GatedPasswordChangeForm(PasswordChangeForm):
    """Django's password change; while locked out the old password is not even checked."""

    def __init__(self, user, data=None, *, locked_out: str = ""):
        super().__init__(user, data)
        self.locked_out = locked_out

    def clean_old_password(self):
        if self.locked_out:
            raise ValidationError(self.locked_out, code="locked_out")
        return super().clean_old_password()
