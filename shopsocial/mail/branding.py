"""Mail that looks like the shop (issue 28): the brand of a message, and CSS inlining.

HTML email extends `email/base.html`, whose `<style>` uses the brand's colours. When
the message is sent, `html_inline` moves every rule into `style` attributes (css-inline)
and drops the `<style>` element. Many mail clients (Gmail's apps among them) ignore or
strip `<style>`, so the look must not depend on it.

The brand comes from the row's context. The storefront's name (`retailer_name`, or
`site_name` for account mail) and its home page (`storefront_url`) come from there. A
context may also carry a `brand` dict with its own colours or logo. Storefronts have no
colours or logo of their own today, so those are the company's (`MAIL_BRAND_*`
settings).
"""

from __future__ import annotations

import css_inline
from django.conf import settings
from django.templatetags.static import static

from shopsocial.urls_util import company_url

_INLINER = css_inline.CSSInliner(
    keep_style_tags=False,
    keep_link_tags=False,
    load_remote_stylesheets=False,
)

# The company's look: site.css's palette and fonts (static/css/site.css :root).
_DEFAULTS = {
    "ink": "#1f2328",
    "muted": "#57606a",
    "line": "#e3ddd3",
    "background": "#fffdf9",
    "accent_ink": "#ffffff",
    # Unquoted family names (valid CSS): the template escapes quotes, and entities are
    # not decoded inside <style>.
    "font": "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif",
    "font_display": "Iowan Old Style, Palatino Linotype, Palatino, Georgia, serif",
}


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else company_url(url)


def email_brand(context: dict) -> dict[str, str]:
    """Name, home page, colours and logo for one message."""
    own = context.get("brand") or {}
    name = (
        own.get("name")
        or context.get("retailer_name")
        or context.get("site_name")
        or settings.COMPANY["name"]
    )
    logo = own.get("logo_url") or settings.MAIL_BRAND_LOGO_URL or static("apple-touch-icon.png")
    return {
        **_DEFAULTS,
        "name": name,
        "home_url": own.get("home_url") or context.get("storefront_url") or company_url("/"),
        "accent": own.get("accent") or settings.MAIL_BRAND_ACCENT,
        "logo_url": _absolute(logo),
    }


def html_inline(html: str) -> str:
    """Every `<style>` rule into `style` attributes; the `<style>` element is removed."""
    return _INLINER.inline(html)
