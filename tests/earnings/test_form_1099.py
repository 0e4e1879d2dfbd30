"""Form 1099-NEC at year end: the IRIS CSV and the Publication 1220 (FIRE) file parsed back
field by field, the audit row per export, and the recipient copy each retailer downloads."""

from __future__ import annotations

import csv
import io
import re
import zlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from retailers import crypto
from retailers.earnings import services
from retailers.earnings.form1099 import IRIS_COLUMNS, Form1099Error, form_1099_export
from retailers.earnings.models import Form1099Export, PayoutBatch
from retailers.models import Retailer, RetailerAuditEvent
from tests.conftest import COMPANY_HOST

from .conftest import PASSWORD, with_login
from .test_payouts import shipped_and_due

pytestmark = pytest.mark.django_db
YEAR = 2025
PAYER = {
    "FORM_1099_PAYER_NAME": "ShopSocial Inc",
    "FORM_1099_PAYER_TIN": "12-3456789",
    "FORM_1099_PAYER_ADDRESS": "100 Congress Ave",
    "FORM_1099_PAYER_CITY": "Austin",
    "FORM_1099_PAYER_STATE": "TX",
    "FORM_1099_PAYER_ZIP": "78701",
    "FORM_1099_PAYER_PHONE": "(512) 555-0100",
    "FORM_1099_PAYER_EMAIL": "tax@shop.test",
    "FORM_1099_CONTACT_NAME": "Pat Finance",
    "FORM_1099_FIRE_TCC": "A1B2C",
}


@pytest.fixture
def payer(settings):
    for name, value in PAYER.items():
        setattr(settings, name, value)


@pytest.fixture
def finance():
    user = get_user_model().objects.create_user("fin-1099", "fin-1099@example.com", "x")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Finance"))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def paid_in_2025(plan, alice, bob, candles, finance):
    """alice 2,400.00 (SSN), bob 1,000.00 (EIN): paid in 2025."""
    with_login(alice, "f1")
    with_login(bob, "f2", ssn=None)
    Retailer.objects.filter(pk=bob.pk).update(
        legal_name="Bob's Candles LLC",
        tax_id_kind="ein",
        tax_id_encrypted=crypto.encrypt("987654321"),
        tax_id_last4="4321",
        address_line2="Suite 5",
        postal_code="10001-1234",
    )
    Retailer.objects.filter(pk=alice.pk).update(legal_name="Alice Mary Éxample")
    shipped_and_due(alice, candles, "12000.00")
    shipped_and_due(bob, candles, "5000.00")
    batch = services.payout_batch_create(period_end=datetime.now(UTC).date(), actor=finance)
    services.payout_batch_mark_paid(batch=batch, actor=finance)
    PayoutBatch.objects.filter(pk=batch.pk).update(paid_at=datetime(YEAR, 6, 1, 12, tzinfo=UTC))
    for r in (alice, bob):
        r.refresh_from_db()
    return alice, bob


def field(record: str, start: int, end: int) -> str:
    """Publication 1220 positions: 1-based, inclusive."""
    return record[start - 1 : end]


def test_the_fire_file_parses_back_record_by_record(paid_in_2025, payer, finance):
    alice, bob = paid_in_2025
    body = form_1099_export(year=YEAR, file_format="fire", actor=finance, test_file=True)
    assert len(body) % 750 == 0
    text = body.decode("ascii")
    records = [text[i : i + 750] for i in range(0, len(text), 750)]
    assert all(r.endswith("\r\n") for r in records)
    assert [r[0] for r in records] == ["T", "A", "B", "B", "C", "F"]
    assert [int(field(r, 500, 507)) for r in records] == [1, 2, 3, 4, 5, 6]
    t, a, b1, b2, c, f = records

    assert field(t, 2, 5) == "2025" and field(t, 6, 6) == " "
    assert field(t, 7, 15) == "123456789" and field(t, 16, 20) == "A1B2C"
    assert field(t, 28, 28) == "T"
    assert field(t, 30, 69).rstrip() == "SHOPSOCIAL INC"
    assert field(t, 270, 271) == "TX" and field(t, 272, 280).rstrip() == "78701"
    assert int(field(t, 296, 303)) == 2
    assert field(t, 304, 343).rstrip() == "PAT FINANCE"
    assert field(t, 344, 358).rstrip() == "5125550100"
    assert field(t, 518, 518) == "I"

    assert field(a, 2, 5) == "2025" and field(a, 12, 20) == "123456789"
    assert field(a, 26, 27) == "NE" and field(a, 28, 45).rstrip() == "1"
    assert field(a, 53, 92).rstrip() == "SHOPSOCIAL INC" and field(a, 133, 133) == "0"
    assert field(a, 134, 173).rstrip() == "100 CONGRESS AVE"
    assert field(a, 174, 213).rstrip() == "AUSTIN" and field(a, 214, 215) == "TX"

    by_tin = {field(b, 12, 20): b for b in (b1, b2)}
    assert set(by_tin) == {"123456789", "987654321"}
    ba, bb = by_tin["123456789"], by_tin["987654321"]
    assert field(ba, 11, 11) == "2" and field(bb, 11, 11) == "1"  # SSN, EIN
    assert field(ba, 21, 40).rstrip() == str(alice.retailer_number)
    assert int(field(ba, 55, 66)) == 240000 and int(field(bb, 55, 66)) == 100000
    assert all(int(field(ba, s, s + 11)) == 0 for s in range(67, 247, 12))
    assert field(ba, 248, 287).rstrip() == "ALICE MARY EXAMPLE"  # accents dropped
    assert field(bb, 248, 287).rstrip() == "BOB S CANDLES LLC"
    assert field(bb, 368, 407).rstrip() == "1 MAIN ST SUITE 5"
    assert field(bb, 490, 498) == "100011234"
    assert field(ba, 2, 5) == "2025"

    amounts = sum(int(field(b, 55, 66)) for b in (b1, b2))
    assert int(field(c, 2, 9)) == 2 and int(field(c, 16, 33)) == amounts == 340000
    assert all(int(field(c, s, s + 17)) == 0 for s in range(34, 304, 18))
    assert int(field(f, 2, 9)) == 1 and field(f, 10, 30) == "0" * 21
    assert int(field(f, 50, 57)) == 2

    (audit,) = Form1099Export.objects.all()
    assert (audit.year, audit.file_format, audit.recipients, audit.total, audit.test_file) == (
        YEAR,
        "fire",
        2,
        Decimal("3400.00"),
        True,
    )
    assert audit.created_by == finance
    revealed = RetailerAuditEvent.objects.filter(action="tax_id_revealed")
    assert {e.retailer_id for e in revealed} == {alice.pk, bob.pk}


def test_the_iris_csv_has_the_templates_columns_and_one_row_per_recipient(
    paid_in_2025, payer, finance
):
    alice, bob = paid_in_2025
    body = form_1099_export(year=YEAR, file_format="iris", actor=finance).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert tuple(rows[0]) == IRIS_COLUMNS and len(IRIS_COLUMNS) == 54
    assert all(len(row) == 54 for row in rows)
    records = {r["Form Account Number"]: r for r in csv.DictReader(io.StringIO(body))}
    ra, rb = records[str(alice.retailer_number)], records[str(bob.retailer_number)]
    assert (ra["Form Type"], ra["Tax Year"], ra["Payer Taxpayer ID Number"]) == (
        "1099-NEC",
        "2025",
        "123456789",
    )
    assert (ra["Recipient TIN Type"], ra["Recipient Taxpayer ID Number"]) == ("SSN", "123456789")
    assert (ra["Recipient Name Type"], ra["Recipient First Name"]) == ("I", "Alice")
    assert (ra["Recipient Middle Name"], ra["Recipient Last Name (Surname)"]) == (
        "Mary",
        "Éxample",
    )
    assert ra["Box 1 - Nonemployee Compensation"] == "2400.00"
    assert (rb["Recipient TIN Type"], rb["Recipient Name Type"]) == ("EIN", "B")
    assert rb["Recipient Business or Entity Name Line 1"] == "Bob's Candles LLC"
    assert rb["Box 1 - Nonemployee Compensation"] == "1000.00"
    assert Form1099Export.objects.get().recipients == 2


def test_a_formula_in_a_name_is_made_inert_in_the_iris_csv(paid_in_2025, payer, finance):
    alice, _ = paid_in_2025
    Retailer.objects.filter(pk=alice.pk).update(address_line1="=HYPERLINK(1)")
    body = form_1099_export(year=YEAR, file_format="iris", actor=finance).decode()
    assert "'=HYPERLINK(1)" in body


def test_missing_payer_details_stop_the_export_and_audit_nothing(paid_in_2025, finance, settings):
    settings.FORM_1099_PAYER_TIN = ""
    with pytest.raises(Form1099Error, match="FORM_1099_PAYER_TIN"):
        form_1099_export(year=YEAR, file_format="iris", actor=finance)
    assert not Form1099Export.objects.exists()


def test_the_threshold_of_the_year_decides_who_is_in(paid_in_2025, payer, finance):
    alice, _ = paid_in_2025
    PayoutBatch.objects.update(paid_at=datetime(2026, 6, 1, 12, tzinfo=UTC))
    body = form_1099_export(year=2026, file_format="iris", actor=finance).decode()
    records = list(csv.DictReader(io.StringIO(body)))
    assert [r["Form Account Number"] for r in records] == [str(alice.retailer_number)]


def test_finance_downloads_the_files_from_the_admin_with_the_password(
    client, paid_in_2025, payer, finance
):
    url = f"/admin/earnings/payoutbatch/year-end/?year={YEAR}"
    client.force_login(finance)
    assert (
        client.post(url, {"format": "iris", "password": "x"}, HTTP_HOST=COMPANY_HOST).status_code
        == 403
    )
    finance.groups.add(Group.objects.get(name="Compliance"))
    client.force_login(get_user_model().objects.get(pk=finance.pk))
    wrong = client.post(url, {"format": "fire", "password": "nope"}, HTTP_HOST=COMPANY_HOST)
    assert wrong.status_code == 403 and not Form1099Export.objects.exists()
    fire = client.post(
        url, {"format": "fire", "password": "x", "test_file": "on"}, HTTP_HOST=COMPANY_HOST
    )
    assert fire.status_code == 200
    assert fire["Content-Disposition"] == f'attachment; filename="fire-1099-nec-{YEAR}.txt"'
    assert len(fire.content) == 6 * 750 and fire.content[27:28] == b"T"
    iris = client.post(url, {"format": "iris", "password": "x"}, HTTP_HOST=COMPANY_HOST)
    assert iris.content.decode().startswith("Form Type,Tax Year,")
    assert list(Form1099Export.objects.values_list("file_format", flat=True)) == ["iris", "fire"]
    page = client.get(url, HTTP_HOST=COMPANY_HOST)
    assert b"Download IRIS CSV" in page.content and b"Download FIRE file" in page.content
    audit = client.get("/admin/earnings/form1099export/", HTTP_HOST=COMPANY_HOST)
    assert audit.status_code == 200 and b"fin-1099" in audit.content


def pdf_text(body: bytes) -> str:
    """The text drawn on the pages (content streams inflated)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            out.append(stream.decode("latin-1"))
    return "".join(out)


def test_each_retailer_downloads_their_own_recipient_copy_with_the_tin_masked(
    client, paid_in_2025, payer, settings
):
    from tests.retailers.conftest import sign_in

    alice, bob = paid_in_2025
    sign_in(client, alice, PASSWORD)
    page = client.get("/backoffice/earnings/", HTTP_HOST=COMPANY_HOST)
    assert "Form 1099-NEC for 2025 (PDF)" in page.content.decode()
    response = client.get(f"/backoffice/earnings/1099/{YEAR}/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "***-**-6789" in text and "2,400.00" in text and "Copy B" in text
    assert "123-45-6789" not in text and "123456789" not in text
    assert "12-3456789" in text  # the payer's EIN
    # No copy for a year without one, nor for the year still running.
    assert client.get("/backoffice/earnings/1099/2024/", HTTP_HOST=COMPANY_HOST).status_code == 404
    now = datetime.now(UTC).year
    assert (
        client.get(f"/backoffice/earnings/1099/{now}/", HTTP_HOST=COMPANY_HOST).status_code == 404
    )

    client.logout()
    sign_in(client, bob, PASSWORD)
    own = pdf_text(client.get(f"/backoffice/earnings/1099/{YEAR}/", HTTP_HOST=COMPANY_HOST).content)
    assert "**-***4321" in own and "987654321" not in own and "98-7654321" not in own
    assert "1,000.00" in own and "***-**-6789" not in own and "2,400.00" not in own
    settings.FORM_1099_THRESHOLDS = {2025: "1500.00"}  # bob's 1,000.00 is now under it
    assert (
        client.get(f"/backoffice/earnings/1099/{YEAR}/", HTTP_HOST=COMPANY_HOST).status_code == 404
    )
    assert (
        "Form 1099-NEC for"
        not in client.get("/backoffice/earnings/", HTTP_HOST=COMPANY_HOST).content.decode()
    )
