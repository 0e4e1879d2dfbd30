"""Test mail backends: a worker that dies mid-batch, a provider that refuses."""

from anymail.exceptions import AnymailAPIError
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend


class WorkerDied(BaseException):  # noqa: N818 - stands for SIGKILL, not an error to handle
    """Raised like a killed process: nothing in the app catches a BaseException."""


class _Counting(EmailBackend):
    budget = 0  # messages accepted before the failure

    def send_messages(self, messages):
        if type(self).budget <= 0:
            self.fail()
        type(self).budget -= len(messages)
        return super().send_messages(messages)


class DyingBackend(_Counting):
    def fail(self):
        raise WorkerDied


class RefusingBackend(_Counting):
    def fail(self):
        raise AnymailAPIError("provider said 503")


__all__ = ["DyingBackend", "RefusingBackend", "WorkerDied", "mail"]


class SlowBackend(EmailBackend):
    """A provider that takes a moment per message, so concurrent workers overlap."""

    def send_messages(self, messages):
        import random
        import time

        time.sleep(random.uniform(0, 0.006))
        return super().send_messages(messages)
