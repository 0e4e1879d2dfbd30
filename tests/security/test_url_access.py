"""Every URL pattern of both urlconfs, requested (GET) as each role, against an explicit table.

Company-host patterns are requested on www.shop.test; storefront patterns on
alice.shop.test (alice owns the sample order). Parameters are filled with alice's
objects, so "other_retailer" (bob) and "shopper" are asking for something that is
not theirs: they must get a refusal, and no page may show alice's customer data to
anyone but alice (and staff, who are not in this walk).

A new URL pattern makes `test_every_url_pattern_is_in_the_access_table` fail until
it is added here with the answers each role must get.
"""

from __future__ import annotations

import pytest

from tests.conftest import ALICE_HOST, COMPANY_HOST

from .conftest import ALICE_CUSTOMER_EMAIL, ROLES
from .urlwalk import concrete_path, endpoints

pytestmark = pytest.mark.django_db

OK = {200}
REDIRECT = {302}
GONE = {404}
NOT_ALLOWED = {405}


def same(statuses: set[int]) -> dict[str, set[int]]:
    return dict.fromkeys(ROLES, statuses)


def per_role(**statuses: set[int]) -> dict[str, set[int]]:
    assert set(statuses) == set(ROLES), statuses
    return statuses


# Staff only: everyone in the walk is sent to the admin sign-in.
ADMIN_ONLY = same(REDIRECT)

ACCESS: dict[str, dict[str, set[int]]] = {
    # --- company host -------------------------------------------------------
    "public:healthz": same(OK),
    "public:": same(OK),
    "public:privacy/": same(OK),
    "public:admin/login/": same(OK),
    # --- storefront ---------------------------------------------------------
    "tenant:healthz": same(OK),
    "tenant:": same(OK),
    "tenant:privacy/": same(OK),
}


def expected_for(key: str) -> dict[str, set[int]] | None:
    if key in ACCESS:
        return ACCESS[key]
    if key.startswith("public:admin/"):
        return ADMIN_ONLY
    return None


def host_for(site: str) -> str:
    return COMPANY_HOST if site == "public" else ALICE_HOST


def test_every_url_pattern_is_in_the_access_table():
    missing = [e.key for e in endpoints() if expected_for(e.key) is None]
    assert missing == [], "add these patterns to ACCESS with the answer each role must get"


def test_every_url_answers_each_role_as_the_table_says(world, role_clients):
    mismatches: list[str] = []
    leaks: list[str] = []
    walked = 0
    for endpoint in endpoints():
        expected = expected_for(endpoint.key)
        path = concrete_path(endpoint, world.samples)
        for role, client in role_clients.items():
            response = client.get(path, HTTP_HOST=host_for(endpoint.site))
            walked += 1
            allowed = expected[role] if expected else {200, 301, 302, 403, 404, 405}
            if response.status_code not in allowed:
                mismatches.append(
                    f"{role:15} GET {endpoint.site}:{path} -> {response.status_code}, "
                    f"expected {sorted(allowed)}"
                )
            body = response.content.decode(errors="replace")
            if role != "retailer" and ALICE_CUSTOMER_EMAIL in body:
                leaks.append(f"{role} sees alice's customer on {endpoint.site}:{path}")
    assert walked >= 4 * len(ACCESS)
    assert mismatches == []
    assert leaks == []
