"""Read the .eml files the dev email backend writes (Python's email package)."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class Mail:
    path: Path
    message: EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    def header(self, name: str) -> str:
        return str(self.message[name] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""

    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"')]+", self.text + "\n" + self.html)


class Mailbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def all(self) -> list[Mail]:
        mails = []
        for path in sorted(self.folder.glob("*.eml")):
            with path.open("rb") as fh:
                message = email.message_from_binary_file(fh, policy=email.policy.default)
            mails.append(Mail(path, message))
        return mails

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.all() if address.lower() in m.to.lower()]

    def wait_for(self, predicate: Callable[[Mail], bool], timeout: float = 45.0) -> Mail:
        deadline = time.monotonic() + timeout
        while True:
            for mail in self.all():
                if predicate(mail):
                    return mail
            if time.monotonic() > deadline:
                seen = [(m.to, m.subject) for m in self.all()]
                raise AssertionError(f"no matching email within {timeout}s; mailbox: {seen}")
            time.sleep(0.2)
