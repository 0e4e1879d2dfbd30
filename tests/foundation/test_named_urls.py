"""Links are written as named URLs with app namespaces; the paths themselves never change."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

TENANT = [
    ("storefront:home", (), "/"),
    ("storefront:category", ("candles",), "/c/candles/"),
    ("storefront:product", ("vanilla",), "/p/vanilla/"),
    ("storefront:search", (), "/search/"),
    ("storefront:cart", (), "/cart/"),
    ("storefront:cart-add", (), "/cart/add/"),
    ("orders:checkout", (), "/checkout/"),
    ("orders:cart-discount", (), "/cart/discount/"),
    ("orders:checkout-success", (), "/checkout/success/"),
    ("orders:checkout-canceled", ("SS-1",), "/checkout/canceled/SS-1/"),
    ("orders:account-login", (), "/account/login/"),
    ("orders:account-order-detail", ("SS-1",), "/account/orders/SS-1/"),
    ("privacy:policy", (), "/privacy/"),
    ("privacy:contact", (), "/contact/"),
    ("marketing:newsletter-signup", (), "/newsletter/"),
    ("marketing:unsubscribe", ("tok",), "/unsubscribe/tok/"),
    ("pages:detail", ("shipping",), "/help/shipping/"),
]
PUBLIC = [
    ("company:home", (), "/"),
    ("company:retailer-finder", (), "/find-a-retailer/"),
    ("retailers:register", (), "/register/"),
    ("retailers:backoffice-dashboard", (), "/backoffice/"),
    ("orders:offline-gateway-pay", ("cs_1",), "/offline-gateway/pay/cs_1/"),
    ("privacy:my-data", (), "/privacy/my-data/"),
    ("marketing:newsletter-preferences", ("tok",), "/newsletter/preferences/tok/"),
    ("pages:detail", ("terms",), "/help/terms/"),
    # Months keep their leading zero (strings go through the int converter as written).
    ("retailers:backoffice-statement", ("2026", "01"), "/backoffice/earnings/statements/2026-01/"),
]


@pytest.mark.parametrize(("name", "args", "path"), TENANT)
def test_storefront_names_keep_their_paths(name, args, path):
    assert reverse(name, args=args, urlconf=settings.ROOT_URLCONF) == path


@pytest.mark.parametrize(("name", "args", "path"), PUBLIC)
def test_company_names_keep_their_paths(name, args, path):
    assert reverse(name, args=args, urlconf=settings.PUBLIC_SCHEMA_URLCONF) == path


def test_no_template_writes_a_site_path_as_a_literal():
    """href/action use {% url %}; only the 500 and "try again" (database away) pages,
    rendered without URL resolution, are exempt."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if template.name == "500.html" or template.name == "try_again.html":  # scale
            continue
        for match in re.finditer(r'(?:href|action)="(/[^"]*)"', template.read_text()):
            offenders.append(f"{template.relative_to(ROOT)}: {match.group(1)}")
    assert offenders == []
