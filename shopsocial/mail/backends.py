"""Development email: print each message and keep it as an .eml file under .local/mail/."""

from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone


class ConsoleAndFileEmailBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        folder = Path(getattr(settings, "DEV_MAIL_DIR", settings.BASE_DIR / ".local" / "mail"))
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        for n, message in enumerate(email_messages):
            (folder / f"{stamp}-{n}.eml").write_bytes(message.message().as_bytes())
        return sent
