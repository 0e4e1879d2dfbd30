"""Marketing email end to end: sign up on a storefront (double opt-in), staff send a campaign,
the reader leaves with one click: from the mail client (RFC 8058 POST, no cookie) or from
the link at the bottom of the message (a page with one button; GET alone changes nothing)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import admin_require, admin_sign_in
from .helpers import require_feature

READERS = ["reader.oneclick@example.com", "reader.link@example.com"]


def subscribe(live_shop, page, email: str) -> None:
    page.goto(live_shop.url("demo", "/newsletter/"))
    form = page.locator("main")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("What year were you born?").fill("1975")
    form.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    confirm = live_shop.mailbox.wait_for(
        lambda m: email in m.to and any("/newsletter/confirm/" in u for u in m.links())
    )
    link = next(u for u in confirm.links() if "/newsletter/confirm/" in u)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()


def subscriber_status(live_shop, email: str) -> str | None:
    with live_shop.database.connect() as conn:
        row = conn.execute(
            "SELECT status FROM marketing_subscriber WHERE email = %s", [email]
        ).fetchone()
    return row[0] if row else None


def suppressed(live_shop, email: str) -> bool:
    with live_shop.database.connect() as conn:
        return bool(
            conn.execute("SELECT 1 FROM marketing_suppression WHERE email = %s", [email]).fetchone()
        )


def test_reader_unsubscribes_with_one_click_from_a_received_campaign(live_shop, new_context):
    require_feature(live_shop, "demo", "/newsletter/", "newsletter sign-up")
    shopper = new_context().new_page()
    for email in READERS:
        subscribe(live_shop, shopper, email)
        assert subscriber_status(live_shop, email) == "confirmed"

    # Staff send a campaign from the admin.
    admin = new_context().new_page()
    admin_sign_in(live_shop, admin)
    admin_require(live_shop, admin, "/admin/marketing/campaign/add/", "campaigns")
    admin.get_by_label("Name").fill("E2E spring")
    admin.get_by_label("Subject").fill("Spring candles are here")
    admin.get_by_label("Body html").or_(admin.locator("textarea[name=body_html]")).first.fill(
        "<p>New spring scents in every storefront.</p>"
    )
    admin.locator("textarea[name=body_text]").fill("New spring scents in every storefront.")
    admin.locator("select[name=audience]").select_option("all")
    admin.locator("input[name=_save]").click()
    row = admin.locator("#result_list tbody tr").filter(has_text="E2E spring")
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option("start_now")
    admin.locator("button[name=index], input[name=index]").first.click()
    screenshot(admin, "admin-campaign-started")

    mails = {
        email: live_shop.mailbox.wait_for(
            lambda m, e=email: e in m.to and m.subject.endswith("Spring candles are here")
        )
        for email in READERS
    }
    for mail in mails.values():
        assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
        assert re.fullmatch(r"<https?://[^>]+/unsubscribe/[^>]+/>", mail.header("List-Unsubscribe"))
        assert "PO Box 388" in mail.text

    # 1. The mail client's one-click POST: no cookie, no token but the URL's, no redirect.
    one_click = mails[READERS[0]].header("List-Unsubscribe").strip("<>")
    parts = urlsplit(one_click)
    response = live_shop.fetch(
        parts.hostname.removesuffix(".localhost") if parts.hostname != "localhost" else "",
        parts.path,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"List-Unsubscribe=One-Click",
    )
    assert response.status == 200
    assert response.header("Set-Cookie") is None
    assert suppressed(live_shop, READERS[0])

    # 2. The visible link at the bottom of the message, opened in the browser.
    link = next(u for u in mails[READERS[1]].links() if "/unsubscribe/" in u)
    reader = new_context().new_page()
    reader.goto(link)
    screenshot(reader, "unsubscribe")
    assert subscriber_status(live_shop, READERS[1]) == "confirmed"  # a GET changes nothing
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_role("heading", name="You're unsubscribed")).to_be_visible()
    assert suppressed(live_shop, READERS[1])
    assert reader.context.cookies() == []
