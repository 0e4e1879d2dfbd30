"""The tax engine is a setting of its own: the tax code never asks which gateway is in use."""

from django.test import override_settings

from orders.tax.engines import RateTableEngine, StripeTaxEngine, tax_engine_get


def test_tax_engine_follows_the_tax_engine_setting_not_the_gateway():
    with override_settings(STRIPE_SECRET_KEY="", TAX_ENGINE="stripe_tax"):
        assert type(tax_engine_get()) is StripeTaxEngine
    with override_settings(STRIPE_SECRET_KEY="sk_test_fake", TAX_ENGINE="rate_table"):
        assert type(tax_engine_get()) is RateTableEngine


def test_the_default_engine_is_the_rate_table_without_stripe():
    # settings.test has no Stripe key, so the base settings chose the rate table.
    assert type(tax_engine_get()) is RateTableEngine
