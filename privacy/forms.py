from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from shopsocial.contact import PhoneField

from .models import CONTACT_TOPICS, BreachIncident, Ticket
from .services.breach import email_list_parse

MAX_LIST_ERRORS_SHOWN = 5


class ContactForm(forms.Form):
    topic = forms.ChoiceField(
        label="What can we help with?", choices=CONTACT_TOPICS, initial=Ticket.Topic.ORDER
    )
    name = forms.CharField(label="Your name", max_length=120)
    email = forms.EmailField(label="Your email address", max_length=254)
    phone = PhoneField(label="Phone (optional, if you'd like a call back)", required=False)
    order_number = forms.CharField(label="Order number (optional)", max_length=20, required=False)
    message = forms.CharField(
        label="Your message", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


class TicketReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply", max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class PersonalDetailsForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    # The email address changes only through its verification link (/account/email/).


class EraseConfirmForm(forms.Form):
    confirm = forms.CharField(label="To confirm, type the word DELETE", max_length=10, strip=True)

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        if value.upper() != "DELETE":
            raise ValidationError("Please type DELETE to confirm, or go back to keep your account.")
        return value


class AnalyticsChoiceForm(forms.Form):
    choice = forms.ChoiceField(choices=[("opt_out", "opt out"), ("opt_in", "opt in")])


class BreachIncidentAdminForm(forms.ModelForm):
    class Meta:
        model = BreachIncident
        fields = [
            "title",
            "discovered_at",
            "description",
            "data_involved",
            "scope",
            "selected_retailers",
            "orders_from",
            "orders_to",
            "email_list",
            "law_enforcement_hold",
            "law_enforcement_note",
        ]

    def clean_email_list(self):
        upload = self.cleaned_data.get("email_list")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # unchanged file
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The list must be a UTF-8 text or CSV file.") from exc
        finally:
            upload.seek(0)
        bad = []
        good = 0
        for number, value, valid in email_list_parse(text.splitlines()):
            if valid:
                good += 1
            else:
                bad.append(f"line {number} ({value[:60]!r})")
        if bad:
            shown = ", ".join(bad[:MAX_LIST_ERRORS_SHOWN])
            more = f" and {len(bad) - MAX_LIST_ERRORS_SHOWN} more" if len(bad) > 5 else ""
            raise ValidationError(f"These lines are not email addresses: {shown}{more}.")
        if not good:
            raise ValidationError("The list holds no email address.")
        return upload

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        Scope = BreachIncident.Scope
        if scope == Scope.ORDER_DATE_RANGE:
            start, end = data.get("orders_from"), data.get("orders_to")
            if not start or not end:
                raise ValidationError("Give both dates of the order date range.")
            if start > end:
                self.add_error("orders_to", "The end date is before the start date.")
        if scope == Scope.SELECTED_RETAILERS and not data.get("selected_retailers"):
            self.add_error("selected_retailers", "Choose the affected retailers.")
        if scope == Scope.EMAIL_LIST and not data.get("email_list"):
            self.add_error("email_list", "Upload the list of affected email addresses.")
        return data
