"""Give a staff member a TOTP device for the admin's two-factor sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Create (or replace) the admin TOTP device of a staff user and print its otpauth URI."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No staff user named {username!r}.")
        TOTPDevice.objects.filter(user=user, name="admin").delete()
        device = TOTPDevice.objects.create(user=user, name="admin", confirmed=True)
        self.stdout.write(
            f"Add this to the staff member's authenticator app (shown once):\n{device.config_url}\n"
        )
