"""Team fixtures: cheap retailers (rows without storefront schemas), ledger sales, a plan."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from itertools import count
from unittest import mock

import pytest
from django.utils import timezone

from retailers.earnings.models import CommissionEntry
from retailers.models import Retailer
from retailers.team.models import GenerationRate, Rank, TeamMember, TeamPlan
from retailers.team.services import team_member_ensure
from tests.factories import OrderFactory
from tests.retailers.conftest import (  # noqa: F401  (fixtures)
    alice_client,
    alice_owner,
    bob_owner,
    registration_data,
    sign_in,
)

_n = count(1)
NOV = datetime(2026, 11, 10, 12, tzinfo=timezone.get_current_timezone())


def member(name: str, sponsor: Retailer | None = None, **fields) -> Retailer:
    """A retailer row in the genealogy (no storefront schema: bulk_create skips save())."""
    n = next(_n)
    slug = f"tm-{name.lower()}-{n}"
    retailer = Retailer.objects.bulk_create(
        [
            Retailer(
                slug=slug,
                schema_name=f"r_tm_{n}",
                display_name=name,
                retailer_number=f"T{n:07d}",
                email=fields.pop("email", f"{slug}@example.com"),
                **fields,
            )
        ]
    )[0]
    TeamMember.objects.create(
        retailer=retailer, sponsor=team_member_ensure(retailer=sponsor) if sponsor else None
    )
    return retailer


def sale(retailer: Retailer, base: str, *, at: datetime = NOV, email: str = "pat@example.com"):
    """A paid order credited to `retailer` in the ledger (the accrual the close reads)."""
    order = OrderFactory(
        retailer=Retailer.objects.get(kind=Retailer.Kind.COMPANY),
        status="paid",
        subtotal=Decimal(base),
        shipping=Decimal("0.00"),
        email=email,
    )
    # The ledger refuses updates: write the entry as if at `at` (auto_now_add reads now()).
    with mock.patch("django.utils.timezone.now", return_value=at):
        CommissionEntry.objects.create(
            retailer=retailer,
            order=order,
            kind="accrual",
            key="paid",
            base=Decimal(base),
            amount=Decimal("0.00"),
        )
    return order


def plan_make(
    *,
    rates=("5", "3", "2"),
    compression=True,
    active="100",
    kept=0,
    ranks=((0, "Retailer", "0", "0", 0, 3),),
    effective: str = "2020-01-01",
) -> TeamPlan:
    """A plan from `effective` (the first one made replaces any seeded plan)."""
    if effective == "2020-01-01":
        TeamPlan.objects.all().delete()
    plan = TeamPlan.objects.create(
        name=f"Test team plan {effective}",
        effective_month=effective,
        active_volume=Decimal(active),
        compression=compression,
        rank_kept_months=kept,
    )
    for order, name, pv, gv, legs, gens in ranks:
        Rank.objects.create(
            plan=plan,
            order=order,
            name=name,
            personal_volume=Decimal(pv),
            group_volume=Decimal(gv),
            qualified_legs=legs,
            paid_generations=gens,
            level="senior" if order else "retailer",
        )
    for g, rate in enumerate(rates, start=1):
        GenerationRate.objects.create(plan=plan, generation=g, rate=Decimal(rate))
    return plan


@pytest.fixture
def team_plan(company) -> TeamPlan:
    return plan_make()
