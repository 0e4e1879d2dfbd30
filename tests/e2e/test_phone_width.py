"""Every page type on a phone (issue 28 item 1), and the same pages through axe, the W3C Nu
validator and Chromium's console.

One module fixture (`survey`) prepares what the pages need (an order, a shopper account, a
scene with a guest, the back office and the admin signed in), then opens each page type once:

- at 360 and 390 px: the document is no wider than the viewport, and every visible control
  is at least 24×24 px (WCAG 2.2 2.5.8), unless it is a link inside a sentence or nothing
  else is within a 24 px circle around it (the spacing exception);
- at 390 px: axe-core's violations (every impact) and the HTML the server sent (for the Nu
  validator, run once over all pages);
- the console's errors (CSP refusals included) while the page loads;
- screenshots at 390 and 1280 px in `test-artifacts/e2e/screens/`, or in the directory
  `SCREENSHOT_DIR` names (`SCREENSHOT_DIR=docs/screens` refreshes the docs' images).

Each test below asserts one of these over every page type.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import ARTIFACTS, ROOT
from .flows import SHOPPER, SHOPPER_STATE, admin_sign_in, place_order, shopper_sign_in
from .test_look import all_axe_violations
from .test_scene_journey import demo_back_office_sign_in

PHONES = (360, 390)
SCREENS = Path(os.environ.get("SCREENSHOT_DIR") or ARTIFACTS / "screens")
if not SCREENS.is_absolute():
    SCREENS = ROOT / SCREENS
HTML_DIR = ARTIFACTS / "nu"
# The docs keep the first screen of each page (small files); test-artifacts the whole page.
FULL_PAGE = not os.environ.get("SCREENSHOT_DIR")
EXPECTED_CONSOLE = (
    "Failed to load resource: the server responded with a status of 400",
    "Failed to load resource: the server responded with a status of 404",
    "WebSocket connection to",
)
VNU_JAR = ROOT / "tools/nu/node_modules/vnu-jar/build/dist/vnu.jar"

# Controls smaller than 24×24 px, unless the spacing or inline exception applies.
TARGETS_JS = """
() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [role=link], [role=checkbox], [role=tab], [tabindex]:not([tabindex="-1"])';
  const visible = el => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none' || s.opacity === '0') return false;
    // The content of a closed <details> is not rendered, yet Chromium still reports
    // layout boxes for it (the back-office menu on a phone): only its summary counts.
    const closed = el.closest('details:not([open])');
    if (closed && !el.closest('summary')) return false;
    return !el.closest('[hidden], [aria-hidden=true]');
  };
  const inSentence = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement;
    const text = (block ? block.textContent : '').replace(/\\s+/g, ' ').trim();
    return text.length > el.textContent.trim().length + 1;
  };
  const targets = [...document.querySelectorAll(sel)].filter(visible)
    .map(el => ({el, r: el.getBoundingClientRect()}));
  const small = t => t.r.width < 24 || t.r.height < 24;
  const center = r => [r.left + r.width / 2, r.top + r.height / 2];
  const distToRect = (p, r) => Math.hypot(
    Math.max(r.left - p[0], 0, p[0] - r.right), Math.max(r.top - p[1], 0, p[1] - r.bottom));
  const out = [];
  for (const t of targets) {
    if (!small(t) || inSentence(t.el)) continue;
    const c = center(t.r);
    const crowded = targets.some(o => {
      if (o === t || o.el.contains(t.el) || t.el.contains(o.el)) return false;
      // Another target inside our 24 px circle, or two undersized targets' circles overlap.
      if (distToRect(c, o.r) < 12) return true;
      return small(o) && Math.hypot(...center(o.r).map((v, i) => v - c[i])) < 24;
    });
    if (crowded) {
      const label = (t.el.getAttribute('aria-label') || t.el.textContent || t.el.name
        || t.el.id || '').trim().slice(0, 40);
      out.push(`${t.el.tagName.toLowerCase()} "${label}" ${Math.round(t.r.width)}×`
        + `${Math.round(t.r.height)}`);
    }
  }
  return out;
}
"""

WIDEST_JS = """
(w) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > w + 0.5)
  .slice(-3).map(e => e.tagName.toLowerCase() + '.' + (e.id || e.className || '')
    + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')
"""


@dataclass
class Survey:
    overflow: dict[str, str] = field(default_factory=dict)
    small_targets: dict[str, list[str]] = field(default_factory=dict)
    axe: dict[str, list[str]] = field(default_factory=dict)
    console: dict[str, list[str]] = field(default_factory=dict)
    html: dict[str, Path] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def _shell_json(live_shop, code: str) -> dict:
    out = live_shop.shell(code)
    return json.loads(out.strip().splitlines()[-1])


SETUP = """
import json
from datetime import date, timedelta
from django_tenants.utils import schema_context
from orders.accounts.selectors import order_status_path
from orders.models import Order
from retailers.models import Retailer
from storefront.scenes.guest_services import guest_token
from storefront.scenes.models import SceneGuest
from storefront.scenes.services import host_token, scene_create
r = Retailer.objects.get(slug='demo')
scene = scene_create(retailer=r, title='Candle Night', host_name='Emma Host',
    host_email='emma.host@example.com', date=date.today(),
    closes_on=date.today() + timedelta(days=7))
guest = SceneGuest.objects.create(scene=scene, name='Ana Guest', email='ana.guest@example.com')
order = Order.objects.filter(retailer=r).latest('pk')
from urllib.parse import urlsplit
from django.contrib.auth import get_user_model
from privacy.models import Ticket
from privacy.services import tickets
ticket = tickets.ticket_create(topic=Ticket.Topic.ORDER, name='Pat Phone',
    email='pat.phone@example.com', opened_on=r)
tickets.ticket_reply_customer(ticket=ticket, body='Where is my order?')
tickets.ticket_reply_staff(ticket=ticket, staff_user=get_user_model().objects.get(username='admin'),
    body='It left the warehouse today.')
print(json.dumps({
    'scene': scene.pk, 'code': scene.code, 'host': host_token(scene),
    'rsvp': guest_token(guest), 'order': order.pk, 'status': order_status_path(order=order),
    'month': f"{date.today():%Y-%m}",
    'ticket': urlsplit(tickets.ticket_url(ticket=ticket)).path,
}))
"""


def _page_types(ids: dict) -> list[tuple[str, str, str, str]]:
    """(name, who, host, path): who is the browser context that opens it."""
    code = ids["code"]
    return [
        ("home", "shopper", "demo", "/"),
        ("category", "shopper", "demo", "/c/candles/"),
        ("search", "shopper", "demo", "/search/?q=candle"),
        ("search-nothing", "shopper", "demo", "/search/?q=zzzzqqq"),
        ("product", "shopper", "demo", "/p/vanilla-bean-jar-candle/"),
        ("product-options", "shopper", "demo", "/p/scented-soy-candle/"),
        ("cart", "shopper", "demo", "/cart/"),
        ("checkout", "shopper", "demo", "/checkout/"),
        ("checkout-errors", "shopper", "demo", "POST /checkout/"),
        ("order-status", "shopper", "demo", ids["status"]),
        ("shipping", "shopper", "demo", "/help/shipping/"),
        ("returns", "shopper", "demo", "/help/returns/"),
        ("terms", "shopper", "demo", "/help/terms/"),
        ("privacy", "shopper", "demo", "/privacy/"),
        ("contact", "shopper", "demo", "/contact/"),
        ("ticket", "shopper", "demo", ids["ticket"]),
        ("offline-pay", "account", "www", ids["pay"]),
        ("chat", "shopper", "demo", "/contact/chat/"),
        ("scene-guest", "shopper", "demo", f"/s/{code}/"),
        ("scene-rsvp", "shopper", "demo", f"/s/{code}/rsvp/{ids['rsvp']}/"),
        ("scene-host", "shopper", "demo", f"/s/{code}/host/{ids['host']}/"),
        ("account-signup", "shopper", "demo", "/account/signup/"),
        ("account-login", "shopper", "demo", "/account/login/"),
        ("account-orders", "account", "demo", "/account/orders/"),
        ("account-email", "account", "demo", "/account/email/"),
        ("account-password", "account", "demo", "/account/password/"),
        ("company-home", "shopper", "www", "/"),
        ("finder", "shopper", "www", "/find-a-retailer/?q=92675"),
        ("company-product", "shopper", "www", "/p/vanilla-bean-jar-candle/"),
        ("company-privacy", "shopper", "www", "/privacy/"),
        ("company-contact", "shopper", "www", "/contact/"),
        ("register", "shopper", "www", "/register/"),
        ("register-terms", "shopper", "www", "/register/terms/"),
        ("no-such-shop", "shopper", "nosuchshop", "/"),
        ("backoffice-signin", "shopper", "www", "/backoffice/signin/"),
        ("backoffice-dashboard", "retailer", "www", "/backoffice/"),
        ("backoffice-orders", "retailer", "www", "/backoffice/orders/"),
        ("backoffice-order", "retailer", "www", f"/backoffice/orders/{ids['order']}/"),
        ("backoffice-earnings", "retailer", "www", "/backoffice/earnings/"),
        (
            "backoffice-statement",
            "retailer",
            "www",
            f"/backoffice/earnings/statements/{ids['month']}/",
        ),
        ("backoffice-bank", "retailer", "www", "/backoffice/earnings/payout-account/"),
        ("backoffice-customers", "retailer", "www", "/backoffice/customers/"),
        ("backoffice-scenes", "retailer", "www", "/backoffice/scenes/"),
        ("backoffice-scene", "retailer", "www", f"/backoffice/scenes/{ids['scene']}/"),
        ("backoffice-share", "retailer", "www", "/backoffice/share/"),
        ("backoffice-team", "retailer", "www", "/backoffice/team/"),
        ("backoffice-contact", "retailer", "www", "/backoffice/contact/"),
        ("backoffice-storefront", "retailer", "www", "/backoffice/storefront/"),
        ("backoffice-chat", "retailer", "www", "/backoffice/chat/"),
        ("chat-console", "staff", "www", "/support/chat/"),
        ("admin-index", "staff", "www", "/admin/"),
        ("admin-orders", "staff", "www", "/admin/orders/order/"),
        ("admin-order", "staff", "www", f"/admin/orders/order/{ids['order']}/change/"),
    ]


def _open(page, live_shop, host: str, path: str):
    """Open the page; return the main document's response (a POST for 'POST /path')."""
    if path.startswith("POST "):
        page.goto(live_shop.url(host, path[5:]))
        with page.expect_navigation() as nav:
            page.get_by_role("button", name="Continue to payment").click()
        return nav.value
    return page.goto(live_shop.url(host, path))


def _hosted_payment_page(live_shop, page) -> str:
    """Checkout up to the offline gateway's hosted page (not paid); its path."""
    page.goto(live_shop.url("demo", "/p/vanilla-bean-jar-candle/"))
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    page.goto(live_shop.url("demo", "/checkout/"))
    for label, value in SHOPPER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option(SHOPPER_STATE)
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    return urlsplit(page.url).path


@pytest.fixture(scope="module")
def survey(live_shop, browser) -> Survey:
    contexts = {
        who: browser.new_context(viewport={"width": 390, "height": 844})
        for who in ("shopper", "account", "retailer", "staff")
    }
    for context in contexts.values():
        context.set_default_timeout(30_000)
        context.set_default_navigation_timeout(60_000)
    try:
        pages = {who: context.new_page() for who, context in contexts.items()}
        place_order(live_shop, pages["shopper"], "demo", email="phone.width@example.com")
        ids = _shell_json(live_shop, SETUP)
        shopper = pages["shopper"]
        shopper.goto(live_shop.url("demo", "/p/scented-soy-candle/"))
        shopper.get_by_role("button", name="Add to cart").click()
        shopper.wait_for_url(re.compile(r"/cart/$"))
        account = pages["account"]
        account.goto(live_shop.url("demo", "/account/signup/"))
        account.get_by_label("Email").fill("phone.account@example.com")
        account.get_by_label("Full name").fill("Phone Account")
        account.get_by_label("What year were you born?").fill("1990")
        account.get_by_label("Password").fill("a long phone password 42")
        account.get_by_role("button", name="Create account").click()
        account.wait_for_load_state()
        # Sign-up signs nobody in (issue 30): the new shopper signs in with the password.
        shopper_sign_in(live_shop, account, "phone.account@example.com", "a long phone password 42")
        ids["pay"] = _hosted_payment_page(live_shop, account)
        demo_back_office_sign_in(live_shop, pages["retailer"])
        admin_sign_in(live_shop, pages["staff"])

        result = Survey()
        HTML_DIR.mkdir(parents=True, exist_ok=True)
        SCREENS.mkdir(parents=True, exist_ok=True)
        for name, who, host, path in _page_types(ids):
            page = pages[who]
            errors: list[str] = []

            def on_console(message, errors=errors):
                text = message.text
                # The page's own 400/404 (checkout with errors, no such shop) is expected, and
                # runserver (WSGI) has no WebSocket: the chat journey runs the console over uvicorn.
                if message.type != "error" or text.startswith(EXPECTED_CONSOLE):
                    return
                errors.append(text[:200])

            page.on("console", on_console)
            page.set_viewport_size({"width": 390, "height": 844})
            response = _open(page, live_shop, host, path)
            page.wait_for_load_state("load")
            result.statuses[name] = response.status if response else 0
            html = HTML_DIR / f"{name}.html"
            html.write_bytes(response.body() if response else b"")
            result.html[name] = html
            result.axe[name] = all_axe_violations(page)
            page.screenshot(path=str(SCREENS / f"{name}-390.jpg"), full_page=FULL_PAGE, quality=60)
            for width in PHONES:
                page.set_viewport_size({"width": width, "height": 800})
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    widest = page.evaluate(WIDEST_JS, width)
                    result.overflow[f"{name}@{width}"] = f"{scroll_width}px: {widest}"
                small = page.evaluate(TARGETS_JS)
                if small:
                    result.small_targets[f"{name}@{width}"] = small[:12]
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=str(SCREENS / f"{name}-1280.jpg"), full_page=FULL_PAGE, quality=60)
            page.remove_listener("console", on_console)
            result.console[name] = errors
        (ARTIFACTS / "phone-survey.json").write_text(
            json.dumps({k: v for k, v in vars(result).items() if k != "html"}, indent=1)
        )
        return result
    finally:
        for context in contexts.values():
            context.close()


def test_every_page_type_opens(survey):
    expected = {"no-such-shop": 404, "checkout-errors": 400}
    wrong = {n: s for n, s in survey.statuses.items() if s != expected.get(n, 200)}
    assert wrong == {}


def test_no_page_is_wider_than_a_phone(survey):
    assert survey.overflow == {}


def test_every_control_is_at_least_24_px_or_spaced(survey):
    assert survey.small_targets == {}


def test_axe_finds_no_violation_of_any_impact(survey):
    assert {n: v for n, v in survey.axe.items() if v} == {}


def test_the_console_shows_no_error(survey):
    assert {n: e for n, e in survey.console.items() if e} == {}


def test_the_nu_validator_finds_no_error(survey):
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is absent: run `npm ci --prefix tools/nu` (as .ci/run does)")
    jar = VNU_JAR
    files = [str(path) for path in survey.html.values()]
    run = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stdout or "{}").get("messages", [])
    errors = [
        f"{Path(m.get('url', '?')).stem}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
