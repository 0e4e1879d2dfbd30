"""The README stays a front door and docs/ stays navigable (mkdocs builds it in CI)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DOMAIN_PAGES = [
    "storefront", "checkout", "accounts", "retailers", "earnings", "scenes", "chat",
    "privacy", "marketing", "security", "operations", "caching", "architecture",
]  # fmt: skip


def test_readme_fits_on_a_few_screens_and_keeps_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    assert "uv run python manage.py serve" in readme
    assert "uv run pytest" in readme
    assert "## Why each dependency" in readme


def test_every_docs_page_is_in_the_nav_and_linked_from_the_readme():
    nav = (ROOT / "mkdocs.yml").read_text()
    readme = (ROOT / "README.md").read_text()
    pages = sorted(path.name for path in DOCS.glob("*.md"))
    assert pages, "docs/ is empty"
    for page in pages:
        assert re.search(rf":\s*{re.escape(page)}\s*$", nav, re.M), f"{page} not in mkdocs.yml nav"
        assert f"(docs/{page})" in readme, f"README does not link docs/{page}"


def test_each_domain_page_has_a_try_it_recipe_and_its_tests():
    for name in DOMAIN_PAGES:
        text = (DOCS / f"{name}.md").read_text()
        assert "\n## Try it\n" in text, name
        assert "\n## Tests\n" in text, name
