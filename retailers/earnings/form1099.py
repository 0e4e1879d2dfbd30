"""Form 1099-NEC year-end files: the IRS IRIS CSV, the Publication 1220 (FIRE) file, and
each retailer's recipient copy (PDF).

`form_1099_export` is the export job: the only place a full tax ID is decrypted for a
file. It writes one `Form1099Export` audit row per export (who, when, year, how many)
and a TIN-revealed audit event on each recipient. The recipient copy shows the TIN
masked except its last four digits and never decrypts it.

Recipients are retailers whose commissions paid in the calendar year reach that year's
threshold (`FORM_1099_THRESHOLDS`: $600 through 2025, $2,000 from 2026); box 1
(nonemployee compensation) is what was paid to them in the year.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from retailers import crypto
from retailers.models import Retailer, RetailerAuditEvent
from shopsocial.csv_safe import csv_writer

from . import selectors
from .models import Form1099Export

RECORD_LENGTH = 750
FORM = "1099-NEC"

# The IRIS Taxpayer Portal's 1099-NEC CSV template, column for column.
IRIS_COLUMNS = (
    "Form Type",
    "Tax Year",
    "Payer TIN Type",
    "Payer Taxpayer ID Number",
    "Payer Name Type",
    "Payer Business or Entity Name Line 1",
    "Payer Business or Entity Name Line 2",
    "Payer First Name",
    "Payer Middle Name",
    "Payer Last Name (Surname)",
    "Payer Suffix",
    "Payer Country",
    "Payer Address Line 1",
    "Payer Address Line 2",
    "Payer City/Town",
    "Payer State/Province/Territory",
    "Payer ZIP/Postal Code",
    "Payer Phone Type",
    "Payer Phone",
    "Payer Email Address",
    "Recipient TIN Type",
    "Recipient Taxpayer ID Number",
    "Recipient Name Type",
    "Recipient Business or Entity Name Line 1",
    "Recipient Business or Entity Name Line 2",
    "Recipient First Name",
    "Recipient Middle Name",
    "Recipient Last Name (Surname)",
    "Recipient Suffix",
    "Recipient Country",
    "Recipient Address Line 1",
    "Recipient Address Line 2",
    "Recipient City/Town",
    "Recipient State/Province/Territory",
    "Recipient ZIP/Postal Code",
    "Office Code",
    "Form Account Number",
    "2nd TIN Notice",
    "Box 1 - Nonemployee Compensation",
    "Box 2 - Payer made direct sales totaling $5000 or more of consumer products "
    "to a recipient for resale",
    "Box 4 - Federal income tax withheld",
    "Combined Federal/State Filing",
    "State 1",
    "State 1 - State Tax Withheld",
    "State 1 - State/Payer state number",
    "State 1 - State income",
    "State 1 - Local income tax withheld",
    "State 1 - Special Data Entries",
    "State 2",
    "State 2 - State Tax Withheld",
    "State 2 - State/Payer state number",
    "State 2 - State income",
    "State 2 - Local income tax withheld",
    "State 2 - Special Data Entries",
)


class Form1099Error(Exception):
    """The export cannot be made (settings missing); the message is for staff."""


@dataclass(frozen=True)
class Recipient:
    retailer: Retailer
    paid: Decimal

    @property
    def is_business(self) -> bool:
        return self.retailer.tax_id_kind == "ein"

    @property
    def name(self) -> str:
        return self.retailer.legal_name or self.retailer.display_name

    def name_parts(self) -> tuple[str, str, str]:
        """First, middle, last of an individual's legal name."""
        words = self.name.split()
        if len(words) < 2:
            return "", "", self.name
        return words[0], " ".join(words[1:-1]), words[-1]


def form_1099_recipients(*, year: int) -> list[Recipient]:
    return [Recipient(r, total) for r, total in selectors.form_1099_recipients(year=year)]


def _payer() -> dict[str, str]:
    payer = {
        "name": settings.FORM_1099_PAYER_NAME,
        "tin": "".join(c for c in settings.FORM_1099_PAYER_TIN if c.isdigit()),
        "address": settings.FORM_1099_PAYER_ADDRESS,
        "city": settings.FORM_1099_PAYER_CITY,
        "state": settings.FORM_1099_PAYER_STATE.upper(),
        "zip": "".join(c for c in settings.FORM_1099_PAYER_ZIP if c.isdigit()),
        "phone": "".join(c for c in settings.FORM_1099_PAYER_PHONE if c.isdigit()),
        "email": settings.FORM_1099_PAYER_EMAIL,
    }
    missing = [k for k in ("name", "address", "city", "state", "zip", "phone") if not payer[k]]
    if len(payer["tin"]) != 9:
        missing.insert(0, "tin")
    if missing:
        names = ", ".join(f"FORM_1099_PAYER_{k.upper()}" for k in missing)
        raise Form1099Error(f"Set the company's payer details first: {names}.")
    return payer


def _zip_digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())[:9]


# --- IRIS CSV -----------------------------------------------------------------------
def _iris_row(recipient: Recipient, *, year: int, payer: dict, tin: str) -> list[str]:
    r = recipient.retailer
    first, middle, last = ("", "", "") if recipient.is_business else recipient.name_parts()
    business = recipient.name if recipient.is_business else ""
    row = {
        "Form Type": FORM,
        "Tax Year": str(year),
        "Payer TIN Type": "EIN",
        "Payer Taxpayer ID Number": payer["tin"],
        "Payer Name Type": "B",
        "Payer Business or Entity Name Line 1": payer["name"],
        "Payer Country": "US",
        "Payer Address Line 1": payer["address"],
        "Payer City/Town": payer["city"],
        "Payer State/Province/Territory": payer["state"],
        "Payer ZIP/Postal Code": payer["zip"],
        "Payer Phone Type": "D",
        "Payer Phone": payer["phone"],
        "Payer Email Address": payer["email"],
        "Recipient TIN Type": "EIN" if recipient.is_business else "SSN",
        "Recipient Taxpayer ID Number": tin,
        "Recipient Name Type": "B" if recipient.is_business else "I",
        "Recipient Business or Entity Name Line 1": business,
        "Recipient First Name": first,
        "Recipient Middle Name": middle,
        "Recipient Last Name (Surname)": last,
        "Recipient Country": "US",
        "Recipient Address Line 1": r.address_line1,
        "Recipient Address Line 2": r.address_line2,
        "Recipient City/Town": r.city,
        "Recipient State/Province/Territory": r.state,
        "Recipient ZIP/Postal Code": _zip_digits(r.postal_code),
        "Form Account Number": str(r.retailer_number),
        "2nd TIN Notice": "N",
        "Box 1 - Nonemployee Compensation": f"{recipient.paid:.2f}",
        "Box 4 - Federal income tax withheld": "0.00",
        "Combined Federal/State Filing": "N",
    }
    return [row.get(column, "") for column in IRIS_COLUMNS]


def iris_csv(*, recipients: list[Recipient], year: int, payer: dict, tins: dict) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(IRIS_COLUMNS)
    for recipient in recipients:
        tin = tins[recipient.retailer.pk]
        writer.writerow(_iris_row(recipient, year=year, payer=payer, tin=tin))
    return out.getvalue().encode("utf-8")


# --- Publication 1220 (FIRE) --------------------------------------------------------
def _alpha(value: str, length: int) -> str:
    """Upper-case ASCII, left-justified and blank-filled (accents dropped, as the IRS asks)."""
    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    text = "".join(c if c.isalnum() or c in " &-" else " " for c in text.upper())
    return " ".join(text.split())[:length].ljust(length)


def _num(value: int, length: int) -> str:
    text = str(int(value))
    if len(text) > length:
        raise Form1099Error(f"{value} does not fit {length} digits.")
    return text.zfill(length)


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class _Record:
    """A 750-byte record built by 1-based position, as Publication 1220 lists fields."""

    def __init__(self, record_type: str) -> None:
        self.chars = [" "] * RECORD_LENGTH
        self.put(1, record_type)

    def put(self, start: int, text: str) -> None:
        self.chars[start - 1 : start - 1 + len(text)] = list(text)

    def render(self, sequence: int) -> str:
        self.put(500, _num(sequence, 8))
        line = "".join(self.chars)
        assert len(line) == RECORD_LENGTH
        return line[:748] + "\r\n"  # positions 749-750: carriage return, line feed


def fire_file(
    *,
    recipients: list[Recipient],
    year: int,
    payer: dict,
    tins: dict,
    test_file: bool,
    prior_year: bool,
) -> bytes:
    """T, A, B… , C, F records of one payer's 1099-NEC returns (type of return "NE")."""
    tcc = settings.FORM_1099_FIRE_TCC.strip().upper()
    if len(tcc) != 5:
        raise Form1099Error("Set FORM_1099_FIRE_TCC (the 5-character FIRE TCC) first.")
    contact = settings.FORM_1099_CONTACT_NAME or payer["name"]
    records: list[_Record] = []

    t = _Record("T")
    t.put(2, _num(year, 4))
    t.put(6, "P" if prior_year else " ")
    t.put(7, payer["tin"])
    t.put(16, tcc)
    t.put(28, "T" if test_file else " ")
    t.put(30, _alpha(payer["name"], 40))  # transmitter: the company files itself
    t.put(110, _alpha(payer["name"], 40))
    t.put(190, _alpha(payer["address"], 40))
    t.put(230, _alpha(payer["city"], 40))
    t.put(270, _alpha(payer["state"], 2))
    t.put(272, payer["zip"].ljust(9))
    t.put(296, _num(len(recipients), 8))
    t.put(304, _alpha(contact, 40))
    t.put(344, payer["phone"][:15].ljust(15))
    t.put(359, (payer["email"] or "")[:50].upper().ljust(50))
    t.put(518, "I")  # software produced in-house: vendor fields stay blank
    records.append(t)

    a = _Record("A")
    a.put(2, _num(year, 4))
    a.put(12, payer["tin"])
    a.put(26, "NE")  # type of return: 1099-NEC
    a.put(28, "1".ljust(18))  # amount code 1: nonemployee compensation
    a.put(53, _alpha(payer["name"], 40))
    a.put(133, "0")  # no transfer agent
    a.put(134, _alpha(payer["address"], 40))
    a.put(174, _alpha(payer["city"], 40))
    a.put(214, _alpha(payer["state"], 2))
    a.put(216, payer["zip"].ljust(9))
    a.put(225, payer["phone"][:15].ljust(15))
    records.append(a)

    total = 0
    for recipient in recipients:
        r = recipient.retailer
        cents = _cents(recipient.paid)
        total += cents
        b = _Record("B")
        b.put(2, _num(year, 4))
        b.put(11, "1" if recipient.is_business else "2")
        b.put(12, tins[r.pk])
        b.put(21, _alpha(str(r.retailer_number), 20))
        b.put(55, _num(cents, 12))  # payment amount 1 (box 1)
        for start in range(67, 247, 12):  # payment amounts 2-9, A-G: zero
            b.put(start, _num(0, 12))
        b.put(248, _alpha(recipient.name, 40))
        street = " ".join(x for x in (r.address_line1, r.address_line2) if x)
        b.put(368, _alpha(street, 40))
        b.put(448, _alpha(r.city, 40))
        b.put(488, _alpha(r.state, 2))
        b.put(490, _zip_digits(r.postal_code).ljust(9))
        b.put(723, _num(0, 12))  # state income tax withheld
        b.put(735, _num(0, 12))  # local income tax withheld
        records.append(b)

    c = _Record("C")
    c.put(2, _num(len(recipients), 8))
    c.put(16, _num(total, 18))
    for start in range(34, 304, 18):  # control totals 2-9, A-G: zero
        c.put(start, _num(0, 18))
    records.append(c)

    f = _Record("F")
    f.put(2, _num(1, 8))  # one payer ("A" record)
    f.put(10, "0" * 21)
    f.put(50, _num(len(recipients), 8))
    records.append(f)
    return "".join(rec.render(n) for n, rec in enumerate(records, start=1)).encode("ascii")


# --- The export job -----------------------------------------------------------------
@sensitive_variables("tins")
@transaction.atomic
def form_1099_export(
    *, year: int, file_format: str, actor, test_file: bool = False, prior_year: bool = False
) -> bytes:
    """Build a file with full tax IDs; audited per export and per recipient."""
    from retailers.validators import tax_id_format

    payer = _payer()
    recipients = form_1099_recipients(year=year)
    unusable = [r.retailer.retailer_number for r in recipients if not r.retailer.tax_id_encrypted]
    if unusable:
        raise Form1099Error(
            "No SSN/EIN on file for Retailer ID "
            + ", ".join(str(n) for n in unusable)
            + ": collect it before filing."
        )
    tins = {r.retailer.pk: crypto.decrypt(r.retailer.tax_id_encrypted) for r in recipients}
    if file_format == Form1099Export.Format.IRIS:
        body = iris_csv(recipients=recipients, year=year, payer=payer, tins=tins)
    elif file_format == Form1099Export.Format.FIRE:
        body = fire_file(
            recipients=recipients,
            year=year,
            payer=payer,
            tins=tins,
            test_file=test_file,
            prior_year=prior_year,
        )
    elif file_format == Form1099Export.Format.CSV:
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(["retailer_id", "legal_name", "tin_type", "tin", "box1", "tax_year"])
        for r in recipients:
            kind = r.retailer.tax_id_kind
            tin = tax_id_format(kind, tins[r.retailer.pk])
            writer.writerow(
                [r.retailer.retailer_number, r.name, kind.upper(), tin, f"{r.paid:.2f}", year]
            )
        body = out.getvalue().encode("utf-8")
    else:
        raise Form1099Error(f"Unknown format {file_format!r}.")
    Form1099Export.objects.create(
        year=year,
        file_format=file_format,
        recipients=len(recipients),
        total=sum((r.paid for r in recipients), Decimal("0.00")),
        test_file=test_file,
        created_by=actor,
    )
    RetailerAuditEvent.objects.bulk_create(
        RetailerAuditEvent(
            retailer=r.retailer,
            actor=actor,
            action=RetailerAuditEvent.Action.TAX_ID_REVEALED,
            detail=f"Form 1099-NEC {year} export ({file_format})",
        )
        for r in recipients
    )
    return body


# --- The recipient copy (Copy B) ----------------------------------------------------
def form_1099_recipient_for(*, retailer: Retailer, year: int) -> Recipient | None:
    """The retailer's own 1099-NEC for `year`, or None when they are not a recipient."""
    paid = selectors.annual_paid_for_retailer(retailer=retailer, year=year)
    if paid < selectors.form_1099_threshold(year):
        return None
    return Recipient(retailer, paid)


def form_1099_years_for(*, retailer: Retailer, before: int) -> list[int]:
    years = selectors.paid_years_for_retailer(retailer=retailer)
    return [y for y in years if y < before and form_1099_recipient_for(retailer=retailer, year=y)]


def _latin1(text: str) -> str:
    return (text or "").encode("latin-1", "replace").decode("latin-1")


def recipient_copy_pdf(*, recipient: Recipient, year: int) -> bytes:
    """Copy B for the recipient: payer, recipient (TIN masked but the last 4), box 1."""
    from fpdf import FPDF

    payer = {
        "name": settings.FORM_1099_PAYER_NAME,
        "address": settings.FORM_1099_PAYER_ADDRESS,
        "place": " ".join(
            x
            for x in (
                settings.FORM_1099_PAYER_CITY,
                settings.FORM_1099_PAYER_STATE,
                settings.FORM_1099_PAYER_ZIP,
            )
            if x
        ),
        "phone": settings.FORM_1099_PAYER_PHONE,
        "tin": settings.FORM_1099_PAYER_TIN,
    }
    r = recipient.retailer
    pdf = FPDF(format="letter")
    pdf.set_title(f"Form 1099-NEC {year} - Copy B")
    pdf.set_author(_latin1(payer["name"]))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, f"Form 1099-NEC  {year}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "Nonemployee Compensation", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Copy B - For Recipient", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    def block(title: str, lines: list[str]) -> None:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for line in lines:
            if line:
                pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    block(
        "PAYER'S name, street address, city or town, state, ZIP code, and telephone no.",
        [payer["name"], payer["address"], payer["place"], payer["phone"]],
    )
    block("PAYER'S TIN", [payer["tin"]])
    block("RECIPIENT'S TIN", [r.tax_id_masked])
    block("RECIPIENT'S name", [recipient.name])
    block("Street address (including apt. no.)", [r.address_line1, r.address_line2])
    block(
        "City or town, state or province, country, and ZIP or foreign postal code",
        [" ".join(x for x in (r.city, r.state, r.postal_code) if x)],
    )
    block("Account number (see instructions)", [str(r.retailer_number)])
    block("1 Nonemployee compensation", [f"$ {recipient.paid:,.2f}"])
    block("4 Federal income tax withheld", ["$ 0.00"])
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(
        0,
        4,
        "This is important tax information and is being furnished to the IRS. If you are "
        "required to file a return, a negligence penalty or other sanction may be imposed "
        "on you if this income is taxable and the IRS determines that it has not been "
        "reported. Box 1 is the commission paid to you in the calendar year.",
    )
    return bytes(pdf.output())
