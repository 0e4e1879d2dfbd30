"""On a phone a back-office table that does not stack scrolls sideways (backoffice.css:
`main table { overflow-x: auto }`), and a scrolling region must be reachable with the
keyboard (axe: scrollable-region-focusable): every such table is focusable."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "templates"


def back_office_templates() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.html"):
        text = path.read_text()
        if (
            "backoffice/base.html" in text
            or path.parent.name == "backoffice"
            or ("backoffice" in path.name or path.name.startswith("_statement"))
        ):
            found.append(path)
    return found


def test_every_table_that_scrolls_on_a_phone_is_focusable():
    tables = 0
    for path in back_office_templates():
        for tag in re.findall(r"<table\b[^>]*>", path.read_text()):
            tables += 1
            assert "stack-on-phone" in tag or 'tabindex="0"' in tag, (path, tag)
    assert tables >= 10
