"""Small helpers shared by the journeys."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

SERIOUS = {"serious", "critical"}


def require_feature(live_shop, host: str, path: str, what: str) -> None:
    """Fail when a feature's page is missing: a broken route must never pass silently."""
    status = live_shop.fetch(host, path).status
    if status == 404:
        pytest.fail(f"{what} is broken: {path} on {host or 'the bare domain'} answers 404")


def same_host_links(page, *, exclude: tuple[str, ...] = ()) -> list[str]:
    """Absolute URLs of the links on the page that stay on the page's host."""
    here = urlsplit(page.url)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    links: list[str] = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin(page.url, href).split("#", 1)[0]
        parts = urlsplit(absolute)
        if parts.netloc != here.netloc or any(parts.path.startswith(p) for p in exclude):
            continue
        if absolute not in links:
            links.append(absolute)
    return links


def serious_axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
