"""Sales tax behind one interface, two engines.

- `RateTableEngine` (no Stripe): the rate for the destination from the admin-edited
  table (`TaxRate` per state, `TaxRateOverride` per ZIP prefix, longest prefix wins),
  charged only in the company's nexus states (`TAX_NEXUS_STATES`), on taxable products
  only. Its figure is exact: it is what the offline gateway charges.
- `StripeTaxEngine` (Stripe configured): before the hosted page it quotes the same
  table as an *estimate*; the Checkout Session runs with `automatic_tax`, and the tax
  Stripe computed is recorded from the completed session (read back).

Rounding rule (written down in README, tested): tax is computed per line on the
line's merchandise after its share of the discount, `net × rate`, rounded half-up to
the cent; the order's tax is the sum of its lines. Shipping is not taxed by the
table (Stripe Tax taxes it where a state does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from shopsocial.contact import STATE_LIST_CODES

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Where the shop ships: every code of the checkout's state list, the 50 states and DC, the
# territories and APO/FPO/DPO (AA, AE, AP), all by USPS at the same rates. Sales tax is due
# only in the nexus states (TAX_NEXUS_STATES), so none is charged to a territory or to
# military mail (docs/checkout.md).
SHIPPING_STATES = STATE_LIST_CODES


@dataclass(frozen=True)
class Destination:
    state: str
    postal_code: str = ""

    @property
    def ships(self) -> bool:
        return self.state in SHIPPING_STATES


@dataclass(frozen=True)
class TaxableLine:
    net: Decimal  # merchandise after this line's share of the discount
    taxable: bool


@dataclass(frozen=True)
class TaxQuote:
    line_taxes: tuple[Decimal, ...]
    rate: Decimal  # percent
    is_estimate: bool

    @property
    def total(self) -> Decimal:
        return sum(self.line_taxes, start=ZERO)


def tax_nexus_states() -> frozenset[str]:
    return frozenset(s.strip().upper() for s in settings.TAX_NEXUS_STATES if s.strip())


def tax_rate_for(destination: Destination | None) -> Decimal:
    """The table's rate (percent) for a destination; 0 outside nexus states or unknown."""
    from .models import TaxRate, TaxRateOverride

    if destination is None or destination.state not in tax_nexus_states():
        return Decimal("0")
    zip5 = "".join(ch for ch in destination.postal_code if ch.isdigit())[:5]
    if zip5:
        prefixes = [zip5[:n] for n in range(len(zip5), 0, -1)]
        override = TaxRateOverride.objects.filter(
            state=destination.state, zip_prefix__in=prefixes
        ).values_list("zip_prefix", "rate")
        best = max(override, key=lambda row: len(row[0]), default=None)
        if best is not None:
            return best[1]
    rate = TaxRate.objects.filter(state=destination.state).values_list("rate", flat=True).first()
    return rate if rate is not None else Decimal("0")


def line_tax(net: Decimal, rate: Decimal) -> Decimal:
    """The rounding rule: per line, net × rate, half-up to the cent."""
    return (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


class RateTableEngine:
    name = "rate_table"
    exact = True

    def quote(self, *, lines: Sequence[TaxableLine], destination: Destination | None) -> TaxQuote:
        rate = tax_rate_for(destination)
        return TaxQuote(
            line_taxes=tuple(line_tax(line.net, rate) if line.taxable else ZERO for line in lines),
            rate=rate,
            is_estimate=not self.exact or destination is None,
        )


class StripeTaxEngine(RateTableEngine):
    """Stripe computes the tax on its hosted page; until then, the table's estimate."""

    name = "stripe_tax"
    exact = False


ENGINES: dict[str, type[RateTableEngine]] = {
    RateTableEngine.name: RateTableEngine,
    StripeTaxEngine.name: StripeTaxEngine,
}


def tax_engine_get() -> RateTableEngine:
    """The engine named by settings.TAX_ENGINE."""
    return ENGINES[settings.TAX_ENGINE]()
