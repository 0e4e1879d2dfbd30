"""The commission ledger refuses TRUNCATE in the database itself (issue 30, item 11).

Row-level triggers do not fire on TRUNCATE; migration earnings 0006 adds a
statement-level one. Raw SQL, as a script or a console would send it.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from retailers.earnings.models import CommissionEntry
from tests.earnings.conftest import candles, paid_order, plan, product  # noqa: F401


@pytest.fixture
def entry(plan, alice, candles):  # noqa: F811
    order = paid_order(alice, [(product(candles, "50.00"), 1)])
    return CommissionEntry.objects.get(order=order, key="paid")


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE earnings_commissionentry",
        "TRUNCATE TABLE earnings_commissionentry CASCADE",
        "TRUNCATE ONLY earnings_commissionentry RESTART IDENTITY",
    ],
)
def test_truncate_of_the_ledger_is_refused(entry, sql):
    connection.set_schema_to_public()
    refused = pytest.raises(DatabaseError, match=r"append-only \(TRUNCATE refused\)")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
        cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM earnings_commissionentry WHERE id = %s", [entry.pk])
        assert cursor.fetchone()[0] == 1
