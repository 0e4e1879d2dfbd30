"""Policy text is plain text: blank lines separate paragraphs; a short line such as
"3. Card payments" is a section heading."""

import re

from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_HEADING = re.compile(r"^\d{1,2}\.\s+\S.{0,78}$")
# In the escaped text (issue 28): a site path in parentheses, "(/privacy/analytics/)", and an
# email address become real links.
_PATH_IN_PARENS = re.compile(r"\((/[a-z0-9][a-z0-9/_-]*/)\)")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def _linked(html: str) -> str:
    html = _PATH_IN_PARENS.sub(r'(<a href="\1">\1</a>)', html)
    return _EMAIL.sub(r'<a href="mailto:\1">\1</a>', html)


@register.filter
def policy_html(text: str) -> SafeString:
    parts = []
    for block in re.split(r"\n\s*\n", text or ""):
        block = block.strip()
        if not block:
            continue
        if "\n" not in block and _HEADING.match(block):
            parts.append(format_html("<h2>{}</h2>", block))
        else:
            parts.append(_linked(linebreaks(block, autoescape=True)))
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped above
