"""Test doubles for the email provider (a real backend class, not a mock of our code)."""

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Fails the next N sends to an address (`failures_left[address] = N`), then delivers."""

    failures_left: dict[str, int] = {}

    def send_messages(self, messages):
        for message in messages:
            for to in message.to:
                if self.failures_left.get(to, 0) > 0:
                    self.failures_left[to] -= 1
                    raise ConnectionError("the email provider is unavailable")
        return super().send_messages(messages)


def suppress_everyone(address: str) -> bool:
    return True
