"""The one CSV writer of the project: cells cannot become spreadsheet formulas.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets (CSV/formula injection: an email
`=cmd|' /C calc'!A0@example.com` typed at registration would run on the desk of
whoever opens the payout file). Such a cell is written with a leading apostrophe
(OWASP's advice), which the spreadsheet shows as text. Plain numbers ("-12.50",
"+3") are left as they are: a number is no formula, and refunds stay numeric.

Every CSV the project writes uses `csv_writer(...)`; a test fails on any other
`csv.writer(` in the code (tests/security/test_csv_injection.py).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_cell(value: Any) -> Any:
    """`value`, made inert if it is text a spreadsheet would run as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer with every cell passed through `csv_cell`."""

    def __init__(self, stream, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs: Any) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **kwargs)
