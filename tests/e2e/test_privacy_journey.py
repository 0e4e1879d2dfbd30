"""Privacy in a real browser: DNT / GPC browsing leaves no cookie and loads nothing foreign."""

from __future__ import annotations

import pytest

from .conftest import screenshot
from .helpers import same_host_links

# Pages a browsing walk must not follow: they act (sign out) or belong to staff.
NOT_BROWSING = ("/admin", "/logout", "/account/logout", "/backoffice/logout", "/unsubscribe")
MAX_PAGES_PER_HOST = 12


def browse(live_shop, page, host: str) -> list[str]:
    """Open the host's home page, then every same-host link found there (bounded)."""
    page.goto(live_shop.url(host, "/"))
    visited = [page.url]
    for url in same_host_links(page, exclude=NOT_BROWSING)[:MAX_PAGES_PER_HOST]:
        response = page.goto(url)
        # A link to a missing page is a broken feature, not a pass.
        assert response is not None and response.status < 400, f"{url} -> {response.status}"
        visited.append(url)
    return visited


@pytest.mark.parametrize(
    "signal", [{"DNT": "1"}, {"Sec-GPC": "1"}], ids=["do-not-track", "global-privacy-control"]
)
def test_browsing_with_a_privacy_signal_leaves_no_cookie_and_loads_only_our_origins(
    live_shop, new_context, signal
):
    context = new_context(extra_http_headers=signal)
    page = context.new_page()

    storefront, company = browse(live_shop, page, "demo"), browse(live_shop, page, "www")
    visited = storefront + company
    page.goto(live_shop.url("demo", "/privacy/"))
    screenshot(page, f"privacy-policy-{next(iter(signal)).lower()}")

    # The walk followed links on both sites, not only their home pages.
    assert len(storefront) > 2 and len(company) > 2, (storefront, company)
    assert context.cookies() == []
    foreign = [url for url in context.request_log if not live_shop.is_our_origin(url)]
    assert foreign == []
    assert len(context.request_log) >= len(visited)


def test_every_page_links_the_privacy_policy(live_shop, page):
    for host in ("demo", "www"):
        page.goto(live_shop.url(host, "/"))
        link = page.get_by_role("link", name="Privacy", exact=False).first
        assert link.is_visible()
        link.click()
        page.wait_for_load_state()
        assert page.url == live_shop.url(host, "/privacy/")
        assert "Privacy" in page.locator("h1").first.inner_text()
