"""The back-office menu (issue 28): one row on wide screens, a disclosure on phones; the
entries are listed once and rendered into both, the current page marked in each."""

from __future__ import annotations

import re

import pytest

from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db


def test_the_menu_is_a_row_and_a_phone_disclosure_with_the_same_entries(alice_client):
    html = alice_client.get("/backoffice/orders/", HTTP_HOST=COMPANY_HOST).content.decode()
    wide = html.split('<ul class="bo-nav bo-nav-wide">', 1)[1].split("</ul>", 1)[0]
    phone = html.split('<details class="bo-menu">', 1)[1].split("</details>", 1)[0]
    assert "<summary>" in phone and "Back office menu</summary>" in phone
    links = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')
    assert links.findall(wide) == links.findall(phone[phone.index("<ul") :])
    assert len(links.findall(wide)) == 13
    assert [text for _h, current, text in links.findall(wide) if current] == ["Orders"]
    assert wide.count("Sign out") == phone.count("Sign out") == 1
    assert "{#" not in html and "#}" not in html  # no comment leaks into the page


def test_the_phone_menu_shows_only_on_a_phone():
    from pathlib import Path

    css = (Path(__file__).parents[2] / "retailers/static/retailers/backoffice.css").read_text()
    assert ".bo-menu { display: none; }" in css
    phone = css.split("@media (max-width: 40rem) {\n  .bo-nav-wide { display: none; }", 1)
    assert len(phone) == 2 and ".bo-menu { display: block;" in phone[1].split("\n}", 1)[0]
