"""An email backend for worker-kill tests: slow, and leaving a trace of each attempt.

`started-<pid>-<n>` is written when a worker begins handing a message over (then it
waits SLOW_MAIL_SECONDS: the window a test kills the worker in), `sent-<pid>-<n>` when the
message has been handed over. Both hold the recipient. Files go to SLOW_MAIL_DIR.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(os.environ["SLOW_MAIL_DIR"])
        for message in email_messages:
            to = ",".join(message.to)
            (folder / f"started-{os.getpid()}-{uuid.uuid4().hex}").write_text(to)
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "1")))
            (folder / f"sent-{os.getpid()}-{uuid.uuid4().hex}").write_text(to)
        return len(email_messages)
