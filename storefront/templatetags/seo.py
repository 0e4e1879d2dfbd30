"""<link rel="canonical"> for every page (storefront/seo): its own URL without the query."""

from django import template
from django.utils.html import format_html

from storefront.seo.selectors import ROBOTS_DISALLOW

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_link(context: template.Context) -> str:
    """The page's `canonical_url` when a view gives one (products: the company site's),
    else this host's URL of the page without its query string (sort, page, tracking)."""
    url = context.get("canonical_url")
    request = context.get("request")
    if not url and request is not None:
        if request.path.startswith(ROBOTS_DISALLOW):
            return ""  # cart, checkout, account...: never indexed, and may carry a token
        url = request.build_absolute_uri(request.path)
    return format_html('<link rel="canonical" href="{}">', url) if url else ""
