"""Review links on the order pages: `{% review_links order %}` lists each line's link."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ..selectors import review_lines_for_order

register = template.Library()


@register.inclusion_tag("reviews/partials/order_review_links.html", takes_context=True)
def review_links(context, order) -> dict:
    """On the order-status page the links carry its token; on the account page, none."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    token = (match.kwargs.get("token") if match else None) or ""
    rows = []
    for line, review in review_lines_for_order(order=order):
        if token:
            url = reverse("reviews:write-token", args=[token, line.pk])
        else:
            url = reverse("reviews:write", args=[line.pk])
        rows.append({"line": line, "review": review, "url": url})
    return {"rows": rows}
