"""Policy text is plain text: blank lines separate paragraphs; a short line such as
"3. Card payments" is a section heading."""

import re

from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_HEADING = re.compile(r"^\d{1,2}\.\s+\S.{0,78}$")


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
            parts.append(linebreaks(block, autoescape=True))
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped above
