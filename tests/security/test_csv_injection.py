"""CSV formula injection (issue 30 item 7): every CSV the project writes goes through
one helper that makes formula-looking cells inert."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from retailers.earnings.reports import form_1099_csv
from retailers.models import Retailer
from shopsocial.csv_safe import csv_cell, csv_writer

ROOT = Path(__file__).resolve().parents[2]
APPS = ("shopsocial", "retailers", "orders", "privacy", "storefront")
EVIL_EMAIL = "=cmd|' /C calc'!A0@example.com"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (EVIL_EMAIL, "'" + EVIL_EMAIL),
        ("-12.50", "-12.50"),  # a plain number stays a number (refunds)
        ("+3", "+3"),
        ("Alice Example", "Alice Example"),
        ("a=b", "a=b"),
        (Decimal("-1.00"), Decimal("-1.00")),
        (2026, 2026),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value, written):
    assert csv_cell(value) == written


def test_the_writer_neutralises_every_cell_of_every_row():
    out = io.StringIO()
    csv_writer(out).writerows([["=1", "ok"], ["@x", "-5.00"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1", "ok"], ["'@x", "-5.00"]]


@pytest.mark.django_db
def test_the_1099_csv_writes_a_formula_name_and_address_inert(alice):
    Retailer.objects.filter(pk=alice.pk).update(
        legal_name='=HYPERLINK("http://evil")', address_line1="@SUM(1+1)", city="+1-1"
    )
    alice.refresh_from_db()
    rows = list(
        csv.reader(io.StringIO(form_1099_csv(rows=[(alice, Decimal("2500.00"))], year=2026)))
    )
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert "'@SUM(1+1)" in rows[1] and "'+1-1" in rows[1]
    assert rows[1][-2:] == ["2500.00", "2026"]


def test_no_code_writes_csv_but_through_the_helper():
    offenders = []
    paths = [p for app in APPS for p in (ROOT / app).glob("**/*.py")]
    assert len(paths) > 100
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        if rel == "shopsocial/csv_safe.py":
            continue
        if re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text()):
            offenders.append(rel)
    assert offenders == []
