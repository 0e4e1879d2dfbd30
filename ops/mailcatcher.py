"""The mail catcher of `python -m ops.stack up`: an SMTP server that keeps every message.

docker-compose.yml runs Mailpit for this; without Docker the stack runs this instead
(aiosmtpd, the standard library's successor to `smtpd`). Each message is written to
`<folder>/<n>.eml` as received, so tests and people can read what the workers sent.

    python -m ops.mailcatcher --port 1025 --folder .local/stack-mail
"""

from __future__ import annotations

import argparse
import email
import itertools
import signal
import threading
from email.message import Message
from pathlib import Path

_counter = itertools.count(1)


class _KeepMessages:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        name = f"{next(_counter):06d}.eml"
        partial = self.folder / f".{name}"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.folder / name)  # whole files only: readers never see half a message
        return "250 Message accepted for delivery"


def messages(folder: Path) -> list[Message]:
    """Every message kept in `folder`, oldest first."""
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def main() -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--folder", type=Path, required=True)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(_KeepMessages(args.folder), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"mail catcher on 127.0.0.1:{args.port}, messages in {args.folder}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
