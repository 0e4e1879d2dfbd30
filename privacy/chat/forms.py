from __future__ import annotations

from django import forms

from privacy.models import CONTACT_TOPICS, Ticket


class ChatStartForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=120)
    email = forms.EmailField(label="Your email address", max_length=254)
    topic = forms.ChoiceField(
        label="What can we help with?", choices=CONTACT_TOPICS, initial=Ticket.Topic.ORDER
    )


class RetailerChatStartForm(forms.Form):
    topic = forms.ChoiceField(
        label="What can we help with?", choices=CONTACT_TOPICS, initial=Ticket.Topic.ORDER
    )
