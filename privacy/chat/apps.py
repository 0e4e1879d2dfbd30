"""Live chat between shoppers (or retailers) and Support, feeding the ticket workflow."""

from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "privacy.chat"
    label = "chat"
    verbose_name = "Live chat"
