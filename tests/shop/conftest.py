"""The catalog fixtures of the storefront tests (real rows in the public schema)."""

from tests.storefront.conftest import category, make_product, other_category  # noqa: F401
