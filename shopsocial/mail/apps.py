from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "shopsocial.mail"
    label = "mail"
    verbose_name = "Outbound email"
