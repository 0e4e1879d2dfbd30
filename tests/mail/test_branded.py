"""Branded mail (issue 28, item 7): every order, account, autoship and party email is HTML
in the shop's look, its CSS inlined when it is sent (no <style> left), links absolute,
and the plain-text part carries every fact the HTML shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_render

pytestmark = pytest.mark.django_db

EMAIL_DIR = Path(django_settings.BASE_DIR) / "templates" / "email"
BRANDED = re.compile(r"^(order|account|autoship|scene|cart)_\w+$")
NUMBERS = {"business_days_left": 2, "days": 3, "minutes": 60}
ACCENT = "#8a3b12"


def _branded() -> list[str]:
    names = {p.stem for p in EMAIL_DIR.glob("*_subject.txt")}
    return sorted(n.removesuffix("_subject") for n in names if BRANDED.match(n))


def _source(name: str) -> str:
    source = "".join(
        (EMAIL_DIR / f"{name}{suffix}").read_text() for suffix in (".txt", ".html", "_subject.txt")
    )
    for included in re.findall(r'{% include "email/([\w.]+)" %}', source):
        source += (EMAIL_DIR / included).read_text()
    return source


class _Item(dict):
    """A loop item whose every field is a findable fact (a URL for `url` and `*_url`)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __missing__(self, key: str) -> str:
        return f"https://www.shop.test/l{self.n}/" if key.endswith("url") else f"L{self.n}x"


def _context(name: str) -> dict:
    """Each variable a distinct, findable fact: F<n>x, or an absolute URL for *_url."""
    source = _source(name)
    names = set(re.findall(r"{{\s*(\w+)", source)) | set(
        re.findall(r"{%\s*(?:el)?if (?:not )?(\w+)", source)
    )
    loops = set(re.findall(r"{%\s*for \w+ in (\w+)", source))
    context: dict = {}
    for i, var in enumerate(sorted(names - {"company", "brand"})):
        context[var] = f"https://www.shop.test/f{i}/" if var.endswith("_url") else f"F{i}x"
    for j, loop in enumerate(sorted(loops - {"company"})):
        context[loop] = [_Item(j)]
    context.update({k: v for k, v in NUMBERS.items() if k in context})
    return context


class Page(HTMLParser):
    """What a reader sees (text outside <head>), and every link and image address."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.urls: list[tuple[str, str]] = []  # (class of the element's parent block, url)
        self.tags: list[tuple[str, dict]] = []
        self._in_head = False
        self._header = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "head":
            self._in_head = True
        if attrs.get("class") == "header":
            self._header = 1
        elif self._header and tag == "div":
            self._header += 1
        for key in ("href", "src"):
            if attrs.get(key):
                self.urls.append(("header" if self._header else "content", attrs[key]))

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        if self._header and tag == "div":
            self._header -= 1

    def handle_data(self, data):
        if not self._in_head and not self._header:
            self.text.append(data)


def _render(name: str, context: dict | None = None):
    email = OutboundEmail(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to="x@example.com",
        template=name,
        context=context if context is not None else _context(name),
    )
    message = email_render(email=email)
    page = Page()
    page.feed(message.alternatives[0][0])
    return message, page


def test_the_walk_finds_every_branded_email():
    names = _branded()
    for expected in (
        "order_confirmation",
        "order_shipped",
        "order_refunded",
        "account_password_reset",
        "account_email_verify",
        "autoship_reminder",
        "scene_invitation",
        "scene_closing_summary",
    ):
        assert expected in names
    assert len(names) == 18


@pytest.mark.parametrize("name", _branded())
def test_the_html_is_branded_and_its_css_inlined(name):
    message, page = _render(name)
    html = message.alternatives[0][0]
    assert "<style" not in html.lower()
    assert "class=" in html  # the base layout is used
    styled = {tag: attrs.get("style", "") for tag, attrs in page.tags}
    assert "font-family" in styled["body"]
    assert re.search(r"font-family: [^;]*Georgia, serif;", styled.get("h1") or styled["span"])
    # the rules arrived whole: no HTML escape inside CSS (entities are not decoded there)
    assert not any(re.search(r"&\w+;|&#", attrs.get("style", "")) for _, attrs in page.tags)
    for tag, attrs in page.tags:
        # every element the stylesheet styles by class got its rules as a style attribute
        if attrs.get("class") and attrs["class"] not in {"total"}:
            assert attrs.get("style"), (name, tag, attrs)
        if tag == "a" and attrs.get("class") != "button" and not attrs.get("style"):
            pytest.fail(f"{name}: a link without inlined style: {attrs}")
    assert ACCENT in html  # the brand's accent colour (links, header rule)
    header_urls = [url for where, url in page.urls if where == "header"]
    assert header_urls[0] == "http://www.shop.test/"  # no storefront in the context: company
    assert header_urls[1].startswith("http://www.shop.test/static/")  # the logo, absolute


@pytest.mark.parametrize("name", _branded())
def test_every_link_and_image_is_absolute(name):
    _, page = _render(name)
    for _, url in page.urls:
        assert re.match(r"^(https?://|mailto:)", url), (name, url)


@pytest.mark.parametrize("name", _branded())
def test_every_fact_in_the_html_is_in_the_text_part(name):
    message, page = _render(name)
    shown = " ".join(page.text)
    facts = set(re.findall(r"\b[FL]\d+x\b", shown))
    facts |= {url for where, url in page.urls if where == "content"}
    facts |= set(re.findall(r"\$\S+", shown))
    assert facts, name
    missing = sorted(fact for fact in facts if fact not in message.body)
    assert missing == [], f"{name}: in the HTML, not in the text part: {missing}"
    company = django_settings.COMPANY
    for fact in (company["name"], *company["address_lines"]):
        assert fact in shown and fact in message.body, (name, fact)


def test_a_storefronts_email_carries_its_name_and_links_home(alice):
    context = {**_context("order_confirmation"), "retailer_name": "Alice's Attic"}
    context["storefront_url"] = "http://alice.shop.test/"
    message, page = _render("order_confirmation", context)
    html = message.alternatives[0][0]
    assert "Alice's Attic</span>" in html.replace("&#x27;", "'")
    assert [url for where, url in page.urls if where == "header"][0] == "http://alice.shop.test/"


def test_the_brand_settings_change_the_colour_and_logo(settings):
    settings.MAIL_BRAND_ACCENT = "#123456"
    settings.MAIL_BRAND_LOGO_URL = "https://cdn.example/logo.png"
    message, page = _render("order_shipped")
    html = message.alternatives[0][0]
    assert "#123456" in html and ACCENT not in html
    assert ("header", "https://cdn.example/logo.png") in page.urls
