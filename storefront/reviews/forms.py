from __future__ import annotations

from django import forms

RATING_CHOICES = [(5, "5 stars"), (4, "4 stars"), (3, "3 stars"), (2, "2 stars"), (1, "1 star")]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose from 1 to 5 stars."},
    )
    title = forms.CharField(
        label="Title",
        max_length=120,
        error_messages={"required": "Give your review a title."},
    )
    body = forms.CharField(
        label="Your review",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write a few words about the product."},
    )
    display_name = forms.CharField(
        label="Name shown with your review",
        max_length=40,
        help_text="For example your first name. Shown to everyone.",
        error_messages={"required": "Tell us the name to show with your review."},
    )
