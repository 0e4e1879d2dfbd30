"""`{% join_team_url retailer %}`: the company-site registration with this sponsor."""

from urllib.parse import urlencode

from django import template

from shopsocial.urls_util import company_reverse

register = template.Library()


@register.simple_tag
def join_team_url(retailer) -> str:
    url = company_reverse("retailers:register")
    if retailer is None or not getattr(retailer, "retailer_number", ""):
        return url
    return f"{url}?{urlencode({'sponsor': retailer.retailer_number})}"


@register.simple_tag
def overrides_by_generation(entries) -> list[dict]:
    """The statement's override lines (and their refund reversals) summed by generation."""
    from retailers.team.selectors import overrides_by_generation as summary

    return summary(entries=entries)
