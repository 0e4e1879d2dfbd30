"""#28's defect list (the phones-first slice): each test failed before its fix."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from orders.models import Order
from privacy.models import Ticket
from privacy.services import tickets
from retailers.models import Retailer
from storefront.pages.models import ShopPage
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.orders.conftest import CHECKOUT_FORM, cart_fill, checkout_post

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
COMPANY_ORIGIN = f"http://{COMPANY_HOST}"


def test_the_no_such_shop_page_links_to_the_company_site_and_is_styled(client, company):
    response = client.get("/", HTTP_HOST="nosuchshop.shop.test")
    assert response.status_code == 404
    html = response.text
    assert 'href="/static/css/site.css"' in html  # static files answer on any host
    links = re.findall(r'<a [^>]*href="([^"]+)"', html)
    page_links = [h for h in links if not h.startswith(("#", "mailto:", "tel:"))]
    assert page_links and all(h.startswith(COMPANY_ORIGIN + "/") for h in page_links), page_links
    assert f'href="{COMPANY_ORIGIN}/help/returns/"' in html
    assert 'rel="canonical"' not in html  # a 404 is canonical to nothing


def test_the_host_pages_figures_are_styled_on_the_storefront(client, alice):
    css = (ROOT / "static/css/site.css").read_text()
    assert re.search(r"^\.figure \{[^}]*border", css, re.M)
    assert re.search(r"^\.figure \.value \{[^}]*display: block", css, re.M)
    backoffice_css = (ROOT / "retailers/static/retailers/backoffice.css").read_text()
    assert not re.search(r"^\.figure", backoffice_css, re.M)  # one place for both sites
    host_page = (ROOT / "templates/scenes/host.html").read_text()
    assert 'class="figure"' in host_page and "backoffice.css" not in host_page


def test_no_template_has_an_inline_style_the_csp_refuses():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "email" not in path.parts
        and re.search(r'\sstyle="|<style[\s>]', path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_offline_hosted_page_has_no_inline_style(client, alice, make_product):
    cart_fill(client, {make_product(sku="CANDLE-1", price="19.99"): 1})
    response = checkout_post(client)
    path = response["Location"].removeprefix(COMPANY_ORIGIN)
    page = client.get(path, HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert 'style="' not in page.text and "<style" not in page.text


def test_the_admin_home_has_no_inline_style(client, company):
    admin = get_user_model().objects.create_superuser("root28", "root28@example.com", "x")
    client.force_login(admin)
    page = client.get("/admin/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert 'style="' not in page.text and "<style" not in page.text
    assert "/static/css/admin.css" in page.text


def test_the_shipping_page_and_checkout_give_the_same_delivery_times(client, alice, make_product):
    from orders.selectors import shipping_methods_active

    methods = shipping_methods_active()
    assert methods
    shipping = client.get("/help/shipping/", HTTP_HOST=ALICE_HOST).text
    cart_fill(client, {make_product(sku="CANDLE-1", price="19.99"): 1})
    checkout = client.get("/checkout/", HTTP_HOST=ALICE_HOST).text
    for method in methods:
        assert f"<strong>{method.name}</strong>: {method.delivery_estimate}" in shipping
        assert method.delivery_estimate in checkout
    assert "3 to 7 business days" not in shipping
    assert "Puerto Rico, Guam" in shipping and "APO/FPO/DPO" in shipping


def test_the_returns_page_does_not_mention_gift_cards(client, alice):
    page = client.get("/help/returns/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert "gift card" not in page.text.lower()
    assert "What you can return" in page.text and "Return items" in page.text  # orders/returns
    assert "gift card" not in ShopPage.objects.get(slug="returns").body.lower()


@pytest.mark.parametrize(
    ("city", "state", "zip_code"),
    [
        ("APO", "AE", "09001"),
        ("FPO", "AP", "96601"),
        ("APO", "AA", "34001"),
        ("Hagatna", "GU", "96910"),
        ("San Juan", "PR", "00901"),
    ],
)
def test_military_and_territory_addresses_the_state_list_offers_are_accepted(
    client, alice, make_product, settings, city, state, zip_code
):
    settings.TAX_NEXUS_STATES = ["TX", "CA"]
    cart_fill(client, {make_product(sku="CANDLE-1", price="19.99"): 1})
    form = client.get("/checkout/", HTTP_HOST=ALICE_HOST).text
    assert f'<option value="{state}"' in form  # the list offers it ...
    response = checkout_post(
        client,
        {**CHECKOUT_FORM, "ship_city": city, "ship_state": state, "ship_postal_code": zip_code},
    )
    assert response.status_code in (302, 303), response.content[:500]  # ... and checkout takes it
    order = Order.objects.get()
    assert order.ship_state == state
    assert order.tax == 0  # no sales tax outside the nexus states


def _found(client, q: str) -> list[str]:
    response = client.get("/find-a-retailer/", {"q": q}, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    return re.findall(r'<a href="(http://[a-z0-9-]+\.shop\.test/)">', response.text)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("OR", ["alice"]),  # Oregon, not "Dorothy's" in Texas
        ("or", ["alice"]),
        ("Oregon", ["alice"]),
        ("TX", ["bob"]),
        ("Texas", ["bob"]),
        ("dor", ["bob"]),  # the start of a word
        ("Candel Cove", ["alice"]),  # misspelt: pg_trgm
        ("Dorthy", ["bob"]),
        ("nowhere at all", []),
    ],
)
def test_the_finder_matches_words_and_states_and_forgives_a_misspelt_name(
    client, alice, bob, q, expected
):
    Retailer.objects.filter(pk=alice.pk).update(
        display_name="Candle Cove", city="Portland", state="OR", postal_code="97205"
    )
    Retailer.objects.filter(pk=bob.pk).update(
        display_name="Dorothy's Candles", city="Dallas", state="TX", postal_code="75201"
    )
    assert _found(client, q) == [f"http://{slug}.shop.test/" for slug in expected]


def test_ticket_times_carry_their_zone_and_turn_into_the_readers(client, alice):
    ticket = tickets.ticket_create(
        topic=Ticket.Topic.ORDER, name="Pat", email="pat@example.com", opened_on=alice
    )
    staff = get_user_model().objects.create_user("agent28", "agent28@example.com", "x")
    message = tickets.ticket_reply_staff(ticket=ticket, staff_user=staff, body="Hello")
    type(message).objects.filter(pk=message.pk).update(
        created_at=datetime(2026, 7, 1, 18, 5, tzinfo=UTC)
    )
    url = tickets.ticket_url(ticket=ticket)
    page = client.get(url.removeprefix(f"http://{ALICE_HOST}"), HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    # Server side: the shop's zone (settings.TIME_ZONE), named; the script shows the reader's.
    assert re.search(
        r'<time data-local datetime="2026-07-01T18:05:00Z">July 1, 2026, '
        r"11:05 a\.m\. PDT</time>",
        page.text,
    ), page.text
    assert "/static/js/local_times.js" in page.text


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_the_contact_form_opens_on_a_general_topic(client, alice, company, host):
    page = client.get("/contact/", HTTP_HOST=host)
    assert page.status_code == 200
    assert re.search(r'<option value="order" selected>Order question</option>', page.text)
    options = re.findall(r'<option value="([a-z_]+)"', page.text)
    assert options[:2] == ["order", "other"]


def test_links_in_the_privacy_policy_and_the_consent_text_are_links(client, alice):
    from privacy.models import PolicyVersion

    assert PolicyVersion.objects.exists()
    policy = client.get("/privacy/", HTTP_HOST=ALICE_HOST).text
    assert '(<a href="/privacy/analytics/">/privacy/analytics/</a>)' in policy
    assert '<a href="/contact/">/contact/</a>' in policy
    assert '<a href="mailto:info@shopsocialscenes.com">' in policy
    home = client.get("/", HTTP_HOST=ALICE_HOST).text
    assert 'See our <a href="/privacy/">Privacy Policy</a>.' in home


def test_the_linkified_policy_stays_escaped():
    from privacy.templatetags.privacy_tags import policy_html

    html = policy_html('Write to "a@b.co" (/x/"onmouseover=1/) <script>')
    assert "<script>" not in html and 'href="/x/' not in html  # a quote ends no attribute
    assert '<a href="mailto:a@b.co">a@b.co</a>' in html
