"""The NACHA ACH file of a payout run, parsed back by an independent parser that checks
every field the bank checks and every control total against the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Sum
from django.utils import timezone

from retailers.earnings import services
from retailers.earnings.ach import AchError, ach_file_build, effective_entry_date
from retailers.earnings.models import CommissionEntry, PayoutAccount, PayoutBatch, PayoutLine
from retailers.earnings.payout_accounts import payout_account_set
from tests.conftest import COMPANY_HOST

from .conftest import PASSWORD, with_login
from .test_payouts import shipped_and_due

pytestmark = pytest.mark.django_db

# --- An independent reader of the NACHA layout (positions are 1-based, inclusive) ---
LAYOUT = {
    "1": {
        "priority": (2, 3),
        "destination": (4, 13),
        "origin": (14, 23),
        "date": (24, 29),
        "time": (30, 33),
        "modifier": (34, 34),
        "record_size": (35, 37),
        "blocking": (38, 39),
        "format": (40, 40),
        "destination_name": (41, 63),
        "origin_name": (64, 86),
        "reference": (87, 94),
    },
    "5": {
        "service_class": (2, 4),
        "company_name": (5, 20),
        "discretionary": (21, 40),
        "company_id": (41, 50),
        "sec": (51, 53),
        "description": (54, 63),
        "descriptive_date": (64, 69),
        "effective_date": (70, 75),
        "settlement": (76, 78),
        "originator_status": (79, 79),
        "odfi": (80, 87),
        "batch_number": (88, 94),
    },
    "6": {
        "code": (2, 3),
        "rdfi": (4, 11),
        "check_digit": (12, 12),
        "account": (13, 29),
        "amount": (30, 39),
        "ident": (40, 54),
        "name": (55, 76),
        "discretionary": (77, 78),
        "addenda": (79, 79),
        "trace": (80, 94),
    },
    "8": {
        "service_class": (2, 4),
        "count": (5, 10),
        "hash": (11, 20),
        "debits": (21, 32),
        "credits": (33, 44),
        "company_id": (45, 54),
        "mac": (55, 73),
        "reserved": (74, 79),
        "odfi": (80, 87),
        "batch_number": (88, 94),
    },
    "9": {
        "batches": (2, 7),
        "blocks": (8, 13),
        "count": (14, 21),
        "hash": (22, 31),
        "debits": (32, 43),
        "credits": (44, 55),
        "reserved": (56, 94),
    },
}


def parse_nacha(text: str) -> dict:
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert all(len(line) == 94 for line in lines), [len(x) for x in lines]
    assert len(lines) % 10 == 0
    padding = [line for line in lines if line == "9" * 94]
    records = [line for line in lines if line != "9" * 94]
    assert lines[len(records) :] == padding  # filler only at the end
    out: dict = {"header": None, "batches": [], "control": None, "lines": len(lines)}
    for record in records:
        kind = record[0]
        fields = {name: record[a - 1 : b] for name, (a, b) in LAYOUT[kind].items()}
        if kind == "1":
            out["header"] = fields
        elif kind == "5":
            out["batches"].append({"header": fields, "entries": [], "control": None})
        elif kind == "6":
            out["batches"][-1]["entries"].append(fields)
        elif kind == "8":
            out["batches"][-1]["control"] = fields
        else:
            out["control"] = fields
    assert [r[0] for r in records] == ["1", "5"] + ["6"] * sum(
        len(b["entries"]) for b in out["batches"]
    ) + ["8", "9"]
    return out


def aba_ok(routing: str) -> bool:
    d = [int(c) for c in routing]
    return sum(w * x for w, x in zip([3, 7, 1] * 3, d, strict=True)) % 10 == 0


def check_totals(parsed: dict) -> None:
    """Every control total, recomputed from the entries."""
    (batch,) = parsed["batches"]
    entries = batch["entries"]
    entry_hash = sum(int(e["rdfi"]) for e in entries) % 10**10
    credits = sum(int(e["amount"]) for e in entries)
    control = batch["control"]
    assert int(control["count"]) == len(entries)
    assert int(control["hash"]) == entry_hash
    assert int(control["debits"]) == 0 and int(control["credits"]) == credits
    assert control["service_class"] == batch["header"]["service_class"] == "220"
    assert control["company_id"] == batch["header"]["company_id"]
    assert control["odfi"] == batch["header"]["odfi"]
    assert control["batch_number"] == batch["header"]["batch_number"] == "0000001"
    assert control["mac"].strip() == "" and control["reserved"].strip() == ""
    file_control = parsed["control"]
    assert int(file_control["batches"]) == 1
    assert int(file_control["blocks"]) * 10 == parsed["lines"]
    assert int(file_control["count"]) == len(entries)
    assert int(file_control["hash"]) == entry_hash
    assert int(file_control["debits"]) == 0 and int(file_control["credits"]) == credits
    for n, entry in enumerate(entries, start=1):
        assert aba_ok(entry["rdfi"] + entry["check_digit"])
        assert entry["trace"] == batch["header"]["odfi"] + f"{n:07d}"
        assert entry["addenda"] == "0"


@pytest.fixture
def finance():
    user = get_user_model().objects.create_user("fin-ach", "fin-ach@example.com", "x")
    user.groups.add(Group.objects.get(name="Finance"))
    user.is_staff = True
    user.save()
    return user


def bank(retailer, routing, number, kind):
    return payout_account_set(
        retailer=retailer,
        actor=retailer.user,
        password=PASSWORD,
        holder_name=f"{retailer.display_name} Ñandú",
        routing_number=routing,
        account_number=number,
        account_type=kind,
    )


def test_new_accounts_are_prenoted_then_paid_in_a_file_that_parses_and_balances(
    client, plan, alice, bob, candles, finance, settings
):
    settings.PAYOUT_RAIL = "ach"
    settings.PAYOUT_ACH = {
        "ORIGINATOR_ID": "1987654321",
        "ODFI_ROUTING": "111000025",
        "COMPANY_NAME": "Shop Social Scenes",
        "DESTINATION_NAME": "First Test Bank",
        "ENTRY_DESCRIPTION": "COMMISSION",
    }
    with_login(alice, "ach1")
    with_login(bob, "ach2")
    bank(alice, "021000021", "000123456789", "checking")
    bank(bob, "026009593", "55554444", "savings")
    shipped_and_due(alice, candles, "200.00")  # 40.00
    shipped_and_due(bob, candles, "150.00")  # 30.00

    # Run 1: both accounts are new: zero-dollar prenotes, the credits wait.
    first = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    assert set(first.lines.values_list("held", flat=True)) == {True}
    parsed = parse_nacha(ach_file_build(batch=first))
    check_totals(parsed)
    entries = parsed["batches"][0]["entries"]
    assert [(e["code"], e["amount"]) for e in entries] == [
        ("23", "0000000000"),
        ("33", "0000000000"),
    ]
    services.payout_batch_mark_paid(batch=first, actor=finance)  # the file is sent

    # Run 2: the credits, from the ledger.
    second = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    text = ach_file_build(batch=second)
    assert ach_file_build(batch=second) == text  # the same file on every download
    parsed = parse_nacha(text)
    check_totals(parsed)
    header = parsed["header"]
    assert header["priority"] == "01" and header["destination"] == " 111000025"
    assert header["origin"] == "1987654321"
    assert (header["record_size"], header["blocking"], header["format"]) == ("094", "10", "1")
    assert header["destination_name"] == "FIRST TEST BANK".ljust(23)
    assert header["origin_name"] == "SHOP SOCIAL SCENES".ljust(23)
    created = timezone.localtime(second.created_at)
    assert header["date"] == created.strftime("%y%m%d")
    batch_header = parsed["batches"][0]["header"]
    assert batch_header["sec"] == "PPD" and batch_header["company_id"] == "1987654321"
    assert batch_header["company_name"] == "SHOP SOCIAL SCENE"[:16]
    assert batch_header["description"] == "COMMISSION"
    assert batch_header["odfi"] == "11100002" and batch_header["originator_status"] == "1"
    assert batch_header["effective_date"] == effective_entry_date(created.date()).strftime("%y%m%d")
    by_ident = {e["ident"].strip(): e for e in parsed["batches"][0]["entries"]}
    a, b = by_ident[alice.retailer_number], by_ident[bob.retailer_number]
    assert (a["code"], a["rdfi"] + a["check_digit"], a["account"]) == (
        "22",
        "021000021",
        "000123456789".ljust(17),
    )
    assert (b["code"], b["rdfi"] + b["check_digit"], b["account"].strip()) == (
        "32",
        "026009593",
        "55554444",
    )
    assert a["name"].startswith("ALICE'S ATTIC NANDU")
    for retailer, entry in ((alice, a), (bob, b)):
        line = PayoutLine.objects.get(batch=second, retailer=retailer)
        ledger = CommissionEntry.objects.filter(payout_line=line).aggregate(s=Sum("amount"))["s"]
        assert Decimal(entry["amount"]) / 100 == line.amount == ledger
    assert int(parsed["control"]["credits"]) == 7000
    assert PayoutAccount.objects.filter(prenote_batch=second).count() == 0


def test_a_held_line_is_not_in_the_file_and_a_manual_run_has_no_ach_file(
    plan, alice, bob, candles, finance, settings
):
    settings.PAYOUT_RAIL = "ach"
    settings.PAYOUT_ACH_PRENOTES = False
    with_login(alice, "ach3")
    with_login(bob, "ach4", ssn=None)  # no tax ID: held
    bank(alice, "021000021", "11112222", "checking")
    bank(bob, "021000021", "33334444", "checking")
    shipped_and_due(alice, candles, "200.00")
    shipped_and_due(bob, candles, "200.00")
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    parsed = parse_nacha(ach_file_build(batch=batch))
    check_totals(parsed)
    assert [e["ident"].strip() for e in parsed["batches"][0]["entries"]] == [alice.retailer_number]
    manual = PayoutBatch.objects.create(
        period_end=timezone.localdate(), minimum=Decimal("25"), rail="manual"
    )
    with pytest.raises(AchError, match="not an ACH run"):
        ach_file_build(batch=manual)


def test_finance_downloads_the_ach_file_from_the_admin_and_marks_it_sent(
    client, plan, alice, candles, finance, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PAYOUT_RAIL = "ach"
    settings.PAYOUT_ACH_PRENOTES = False
    with_login(alice, "ach5")
    bank(alice, "021000021", "11112222", "checking")
    shipped_and_due(alice, candles, "200.00")
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    client.force_login(finance)
    url = "/admin/earnings/payoutbatch/"
    response = client.post(
        url, {"action": "download_ach", "_selected_action": [batch.pk]}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="payout-{batch.pk}.ach"'
    assert response.content.decode() == ach_file_build(batch=batch)
    check_totals(parse_nacha(response.content.decode()))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"action": "mark_paid", "_selected_action": [batch.pk]}, HTTP_HOST=COMPANY_HOST
        )
    batch.refresh_from_db()
    assert batch.status == "paid" and [m.to for m in mailoutbox] == [["ach5@example.com"]]
