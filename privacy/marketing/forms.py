from django import forms

from privacy.age import AgeScreenMixin


class NewsletterSignupForm(AgeScreenMixin):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "birth_year"]


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How happy are you with your order?",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 = not at all, 5 = very happy",
    )
    comment = forms.CharField(
        label="Anything you'd like to tell us? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    may_contact = forms.BooleanField(
        label="You may contact me about this (we will see your order and email address)",
        required=False,
    )
