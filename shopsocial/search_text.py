"""What a typed search is, for every search box (products, retailers, 'who helped you?')."""

from __future__ import annotations

import re

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_TERMS = 8

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def search_text_clean(raw: str | None) -> str:
    """Typed search text without control characters (PostgreSQL refuses NUL)."""
    return _CONTROL_RE.sub(" ", raw or "").strip()
