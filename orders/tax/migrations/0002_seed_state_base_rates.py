"""State base sales-tax rates (percent; statewide rates as published for 2025).

An estimate: local (county, city, district) rates come on top in most states, which is
why staff can add ZIP-prefix overrides and why Stripe Tax is the production engine.
States with no statewide sales tax (AK, DE, MT, NH, OR) are 0.
"""

from decimal import Decimal

from django.db import migrations

STATE_BASE_RATES = {
    "AL": "4", "AK": "0", "AZ": "5.6", "AR": "6.5", "CA": "7.25", "CO": "2.9",
    "CT": "6.35", "DE": "0", "DC": "6", "FL": "6", "GA": "4", "HI": "4", "ID": "6",
    "IL": "6.25", "IN": "7", "IA": "6", "KS": "6.5", "KY": "6", "LA": "5", "ME": "5.5",
    "MD": "6", "MA": "6.25", "MI": "6", "MN": "6.875", "MS": "7", "MO": "4.225",
    "MT": "0", "NE": "5.5", "NV": "6.85", "NH": "0", "NJ": "6.625", "NM": "4.875",
    "NY": "4", "NC": "4.75", "ND": "5", "OH": "5.75", "OK": "4.5", "OR": "0", "PA": "6",
    "RI": "7", "SC": "6", "SD": "4.2", "TN": "7", "TX": "6.25", "UT": "6.1", "VT": "6",
    "VA": "5.3", "WA": "6.5", "WV": "6", "WI": "5", "WY": "4",
}  # fmt: skip


def seed(apps, schema_editor):
    TaxRate = apps.get_model("tax", "TaxRate")
    for state, rate in STATE_BASE_RATES.items():
        TaxRate.objects.get_or_create(state=state, defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("tax", "0001_tax_rates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
