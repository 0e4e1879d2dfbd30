"""The rate table: a sales-tax rate per state, with optional ZIP-prefix overrides.

It is the tax engine when Stripe is not configured, and the estimate shown before
the hosted payment page in every case. Rates are percentages (6.2500 = 6.25 %),
0 to 20 % (validated in forms, enforced by the database).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

MAX_RATE = Decimal("20")
rate_validators = [
    MinValueValidator(Decimal("0"), "A tax rate cannot be negative."),
    MaxValueValidator(MAX_RATE, "A tax rate above 20 %% is not a US sales tax rate: check it."),
]


def _rate_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(rate__gte=0) & models.Q(rate__lte=MAX_RATE),
        name=name,
        violation_error_message="A tax rate must be between 0 and 20 %%.",
    )


class TaxRate(models.Model):
    """A state's combined base rate (the estimate for anywhere in the state)."""

    state = models.CharField(max_length=2, unique=True, validators=[RegexValidator(r"^[A-Z]{2}$")])
    rate = models.DecimalField(
        "rate (%)", max_digits=6, decimal_places=4, validators=rate_validators
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state"]
        constraints = [_rate_constraint("taxrate_rate_0_to_20")]

    def __str__(self) -> str:
        return f"{self.state} {self.rate}%"


class TaxRateOverride(models.Model):
    """A more precise rate for ZIP codes starting with `zip_prefix` (longest prefix wins)."""

    state = models.CharField(max_length=2, validators=[RegexValidator(r"^[A-Z]{2}$")])
    zip_prefix = models.CharField(
        "ZIP prefix",
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{1,5}$", "One to five digits, e.g. 926 or 92693.")],
    )
    rate = models.DecimalField(
        "rate (%)", max_digits=6, decimal_places=4, validators=rate_validators
    )
    note = models.CharField(max_length=120, blank=True, help_text="e.g. the county or city")

    class Meta:
        ordering = ["state", "zip_prefix"]
        constraints = [_rate_constraint("taxrateoverride_rate_0_to_20")]

    def __str__(self) -> str:
        return f"{self.state} {self.zip_prefix}* {self.rate}%"
