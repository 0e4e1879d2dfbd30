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

from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

from .conftest import ALICE_CUSTOMER_EMAIL, ROLES
from .urlwalk import concrete_path, endpoints

pytestmark = pytest.mark.django_db

OK = {200}
REDIRECT = {302}
GONE = {404}
NOT_ALLOWED = {405}
# An expired, used or forged account link: a page saying so, with a way to a new one.
BAD_LINK = {400}


def same(statuses: set[int]) -> dict[str, set[int]]:
    return dict.fromkeys(ROLES, statuses)


def per_role(**statuses: set[int]) -> dict[str, set[int]]:
    assert set(statuses) == set(ROLES), statuses
    return statuses


# Staff only: everyone in the walk is sent to the admin sign-in.
ADMIN_ONLY = same(REDIRECT)

# Signed-in pages of a person: anonymous is sent to sign in.
SIGNED_IN = per_role(anonymous=REDIRECT, shopper=OK, retailer=OK, other_retailer=OK)
SIGNED_IN_POST_ONLY = per_role(
    anonymous=REDIRECT, shopper=NOT_ALLOWED, retailer=NOT_ALLOWED, other_retailer=NOT_ALLOWED
)
# The back office: only a retailer signed in there (Retailer ID + password) gets in.
BACKOFFICE = per_role(anonymous=REDIRECT, shopper=REDIRECT, retailer=OK, other_retailer=OK)

ACCESS: dict[str, dict[str, set[int]]] = {
    # --- company host -------------------------------------------------------
    "public:healthz": same(OK),
    # --- scale: readiness probe; metrics only for allow-listed scrapers (a 404 to others)
    "public:readyz": same(OK),
    "public:metrics": same(GONE),
    # --- end scale
    "public:favicon.ico": same({301}),
    "public:media/<path:path>": same(GONE),  # sample path "x" is not an image
    "public:": same(OK),
    "public:find-a-retailer/": same(OK),
    # Shipping, Returns, Terms of sale (staff edit them in the admin): public on every host.
    "public:help/<slug:slug>/": same(OK),
    "public:admin/login/": same(OK),
    # Compliance's audited SSN/EIN reveal (staff with retailers.reveal_tax_id only).
    "public:admin/retailers/retailer/<int:pk>/reveal-tax-id/": ADMIN_ONLY,
    # Private files (breach lists, exports): the admin's sign-in first, then a permission.
    "public:admin/private-files/<path:path>": ADMIN_ONLY,
    # privacy (identical on every storefront, below)
    "public:.well-known/gpc.json": same(OK),
    "public:privacy/": same(OK),
    "public:privacy/versions/<str:version>/": same(OK),
    "public:privacy/analytics/": same(OK),
    "public:privacy/my-data/": SIGNED_IN,
    "public:privacy/my-data/details/": SIGNED_IN_POST_ONLY,
    "public:privacy/my-data/download/": SIGNED_IN,
    "public:privacy/my-data/delete/": SIGNED_IN_POST_ONLY,
    "public:privacy/notices/<int:notification_id>/acknowledge/": SIGNED_IN_POST_ONLY,
    "public:contact/": same(OK),
    "public:contact/sent/": same(OK),
    # live chat: the page for everyone; starting one is a POST (JSON)
    "public:contact/chat/": same(OK),
    "public:contact/chat/start/": same(NOT_ALLOWED),
    # Bearer links: a forged secret is refused for everyone.
    "public:contact/tickets/<str:reference>/<str:token>/": same(GONE),
    "public:newsletter/": same(OK),
    "public:newsletter/confirm/<str:token>/": same(GONE),
    "public:newsletter/preferences/<str:token>/": same(GONE),
    "public:unsubscribe/<str:token>/": same(GONE),
    "public:survey/<str:token>/": same(GONE),
    # registration and back office
    "public:register/": same(OK),
    "public:register/terms/": same(OK),
    "public:register/welcome/<str:token>/": same(GONE),
    "public:backoffice/": BACKOFFICE,
    "public:backoffice/signin/": per_role(
        anonymous=OK, shopper=OK, retailer=REDIRECT, other_retailer=REDIRECT
    ),
    "public:backoffice/signin/code/": same(REDIRECT),  # no sign-in pending
    "public:backoffice/signout/": same(NOT_ALLOWED),
    "public:backoffice/orders/": BACKOFFICE,
    # alice's order: bob gets a 404, exactly as if it did not exist.
    "public:backoffice/orders/<int:order_id>/": per_role(
        anonymous=REDIRECT, shopper=REDIRECT, retailer=OK, other_retailer=GONE
    ),
    "public:backoffice/contact/": BACKOFFICE,
    "public:backoffice/contact/reveal/": per_role(
        anonymous=REDIRECT, shopper=REDIRECT, retailer=NOT_ALLOWED, other_retailer=NOT_ALLOWED
    ),
    "public:backoffice/scenes/": BACKOFFICE,
    "public:backoffice/scenes/<int:scene_id>/": same(GONE),  # sample id "x" is no scene
    "public:backoffice/scenes/<int:scene_id>/close/": same(GONE),
    "public:backoffice/scenes/<int:scene_id>/qr.<str:fmt>": same(GONE),
    "public:backoffice/share/": BACKOFFICE,
    "public:backoffice/share/<int:link_id>/qr.<str:fmt>": same(GONE),
    "public:backoffice/earnings/": BACKOFFICE,
    "public:backoffice/earnings/statements/<int:year>-<int:month>/": BACKOFFICE,
    "public:backoffice/customers/": BACKOFFICE,
    # --- team (issue 25)
    "public:backoffice/team/": BACKOFFICE,
    "public:register/welcome/<str:token>/starter-kit/": same(NOT_ALLOWED),  # POST only
    # --- end team
    # Payouts (issue 26)
    "public:backoffice/earnings/payout-account/": BACKOFFICE,
    # Stripe Connect onboarding: GET leads back to the payout account page (POST starts)
    "public:backoffice/earnings/payout-account/stripe/": same(REDIRECT),
    "public:backoffice/earnings/payout-account/stripe/return/": same(REDIRECT),
    # the retailer's own 1099-NEC copy: none for the sample year (nothing paid) -> 404
    "public:backoffice/earnings/1099/<int:year>/": per_role(
        anonymous=REDIRECT, shopper=REDIRECT, retailer=GONE, other_retailer=GONE
    ),
    "public:backoffice/storefront/": BACKOFFICE,
    "public:backoffice/password/": BACKOFFICE,
    "public:backoffice/security/": BACKOFFICE,
    "public:backoffice/chat/": BACKOFFICE,
    "public:backoffice/chat/start/": per_role(
        anonymous=REDIRECT, shopper=REDIRECT, retailer=NOT_ALLOWED, other_retailer=NOT_ALLOWED
    ),
    # the Support chat console: staff with chat.answer_chat only (sent to the admin sign-in)
    "public:support/chat/": ADMIN_ONLY,
    # shopper accounts also on the company host (for its privacy pages)
    "public:account/signup/": same(OK),
    "public:account/login/": same(OK),
    "public:account/logout/": same(NOT_ALLOWED),
    # accounts (orders/accounts/): recovery pages answer everyone alike; a forged
    # reset link gets Django's "link no longer works" page (200), a forged
    # verification link a 400 page; both offer a new link.
    "public:backoffice/password-reset/": same(OK),
    "public:backoffice/password-reset/sent/": same(OK),
    "public:backoffice/password-reset/complete/": same(OK),
    "public:backoffice/password-reset/<str:uidb64>/<str:token>/": same(OK),
    "public:backoffice/forgot-id/": same(OK),
    "public:backoffice/forgot-id/sent/": same(OK),
    "public:admin/password_reset/": same(OK),
    "public:admin/password_reset/done/": same(OK),
    "public:admin/reset/<str:uidb64>/<str:token>/": same(OK),
    "public:admin/reset/done/": same(OK),
    # payments
    "public:webhooks/stripe/": same(NOT_ALLOWED),
    "public:offline-gateway/pay/<str:session_id>/": same(GONE),
    "public:offline-gateway/pay/<str:session_id>/submit/": same(NOT_ALLOWED),
    # payouts (issue 26): the offline stand-in for Stripe Connect onboarding
    "public:offline-gateway/connect/<str:account_id>/": same(GONE),
    "public:offline-gateway/connect/<str:account_id>/submit/": same(NOT_ALLOWED),
    # --- storefront ---------------------------------------------------------
    "tenant:healthz": same(OK),
    "tenant:readyz": same(OK),  # scale
    "tenant:favicon.ico": same({301}),
    "tenant:media/<path:path>": same(GONE),  # sample path "x" is not an image
    "tenant:": same(OK),
    "tenant:c/<slug:slug>/": same(OK),
    "tenant:p/<slug:slug>/": same(OK),
    "tenant:search/": same(OK),
    "tenant:help/<slug:slug>/": same(OK),
    "tenant:cart/": same(OK),
    "tenant:cart/add/": same(NOT_ALLOWED),
    "tenant:cart/update/": same(NOT_ALLOWED),
    "tenant:cart/remove/": same(NOT_ALLOWED),
    "tenant:cart/discount/": same(NOT_ALLOWED),  # POST only (payments)
    "tenant:cart/estimate/": same(NOT_ALLOWED),  # POST only (payments)
    "tenant:checkout/": same(OK),
    "tenant:checkout/success/": same(GONE),  # no session id
    "tenant:checkout/canceled/<str:number>/": same(OK),  # says only "not paid"
    "tenant:account/signup/": same(OK),
    "tenant:account/login/": same(OK),
    "tenant:account/logout/": same(NOT_ALLOWED),
    "tenant:account/orders/": SIGNED_IN,
    # order status: a bearer link; a forged one is a 404 for everyone
    "tenant:orders/status/<str:token>/": same(GONE),
    # alice's customer's order: nobody else's account shows it.
    "tenant:account/orders/<str:number>/": per_role(
        anonymous=REDIRECT, shopper=GONE, retailer=GONE, other_retailer=GONE
    ),
    # --- hardening: the link sent to a new retailer email ("x" is no valid token)
    "public:backoffice/email/confirm/<str:token>/": per_role(
        anonymous=REDIRECT, shopper=REDIRECT, retailer=GONE, other_retailer=GONE
    ),
    # --- end hardening
    # shop2 (#28): robots.txt and sitemap.xml on every host.
    "public:robots.txt": same(OK),
    "public:sitemap.xml": same(OK),
    "tenant:robots.txt": same(OK),
    "tenant:sitemap.xml": same(OK),
    # shopb (#28): the Google Merchant product feed on every host.
    "public:feeds/google-merchant.xml": same(OK),
    "tenant:feeds/google-merchant.xml": same(OK),
}
# The company site sells too: its shop, cart, checkout and order pages answer as a
# storefront's do.
for _key in [k for k in ACCESS if k.startswith("tenant:")]:
    _route = _key.removeprefix("tenant:")
    if _route.startswith(
        ("c/", "p/", "search/", "cart/", "checkout/", "account/orders/", "orders/")
    ):
        ACCESS[f"public:{_route}"] = ACCESS[_key]
# The canceled page answers alike for any number (issue 30 item 11): no lookup, no echo.
ACCESS["public:checkout/canceled/<str:number>/"] = same(OK)
# Privacy and marketing pages answer the same on every storefront as on the company site.
for _key in [k for k in ACCESS if k.startswith("public:")]:
    _route = _key.removeprefix("public:")
    if _route.startswith(
        (".well-known", "privacy/", "contact/", "newsletter/", "unsubscribe/", "survey/")
    ):
        ACCESS[f"tenant:{_route}"] = ACCESS[_key]
# Scenes and share links on a storefront (sample code "x": no such scene / link).
ACCESS["tenant:s/<str:code>/"] = same(OK)  # the storefront with a notice
ACCESS["tenant:s/<str:code>/p/<slug:slug>/"] = same(OK)
ACCESS["tenant:s/<str:code>/host/<str:token>/"] = same(GONE)
ACCESS["tenant:l/<str:code>/"] = same(GONE)
ACCESS["tenant:l/<str:code>/p/<slug:slug>/"] = same(GONE)
# Shopper account pages: the same on the company site and every storefront.
for _site in ("public", "tenant"):
    ACCESS.update(
        {
            f"{_site}:account/password/": SIGNED_IN,
            f"{_site}:account/password/reset/": same(OK),
            f"{_site}:account/password/reset/sent/": same(OK),
            f"{_site}:account/password/reset/complete/": same(OK),
            f"{_site}:account/password/reset/<str:uidb64>/<str:token>/": same(OK),
            f"{_site}:account/email/": SIGNED_IN,
            f"{_site}:account/email/resend/": SIGNED_IN_POST_ONLY,
            f"{_site}:account/email/verify/<str:uidb64>/<str:token>/": same(BAD_LINK),
        }
    )
# --- autoship (issue 27): account pages on every shop host, the back-office list ---
ACCESS["tenant:cart/autoship/"] = same(NOT_ALLOWED)
ACCESS["public:cart/autoship/"] = same(NOT_ALLOWED)
ACCESS["public:backoffice/autoship/"] = BACKOFFICE
for _site in ("public", "tenant"):
    ACCESS.update(
        {
            f"{_site}:account/autoship/": SIGNED_IN,
            # sample id "x" is no autoship (owner / outsider: tests/autoship/test_account.py)
            f"{_site}:account/autoship/<int:autoship_id>/": same(GONE),
            f"{_site}:account/autoship/<int:autoship_id>/card/": same(GONE),
            f"{_site}:account/autoship/<int:autoship_id>/card/done/": same(GONE),
            f"{_site}:account/autoship/<int:autoship_id>/<slug:action>/": same(GONE),
        }
    )
# --- end autoship ---
# --- returns (issue 28): the return form behind the status link, or the shopper's own order
for _site in ("public", "tenant"):
    ACCESS.update(
        {
            # a forged status token: the same 404 as the status page
            f"{_site}:orders/status/<str:token>/return/": same(GONE),
            # alice's customer's order: nobody else's account reaches its return form
            f"{_site}:account/orders/<str:number>/return/": per_role(
                anonymous=REDIRECT, shopper=GONE, retailer=GONE, other_retailer=GONE
            ),
        }
    )
# --- end returns ---
# --- gift cards (issue 28): Finance's liability report in the admin
ACCESS["public:admin/giftcards/giftcard/finance-report/"] = ADMIN_ONLY
# --- end gift cards ---
# --- party guest list (issue 27): a guest's own signed links; "x" is a forged token ---
ACCESS["public:backoffice/scenes/<int:scene_id>/guests/"] = same(GONE)  # sample id "x"
ACCESS["public:backoffice/scenes/<int:scene_id>/guest-orders/"] = same(GONE)
ACCESS["tenant:s/<str:code>/rsvp/<str:token>/"] = same(GONE)
ACCESS["tenant:s/<str:code>/host/<str:token>/guests/"] = same(NOT_ALLOWED)  # POST only
ACCESS["tenant:s/<str:code>/host/<str:token>/half-price/"] = same(GONE)
ACCESS["tenant:s/<str:code>/no-parties/<str:token>/"] = same(GONE)
# --- end party guest list ---
# --- reviews (issue 28): on every shop host; sample line "x" matches no int, so 404 ---
for _site in ("public", "tenant"):
    ACCESS.update(
        {
            f"{_site}:p/<slug:slug>/reviews/": same(OK),
            # owner / outsider / unpaid order: tests/reviews/test_write.py
            f"{_site}:account/reviews/<int:line_id>/": same(GONE),
            f"{_site}:orders/status/<str:token>/review/<int:line_id>/": same(GONE),
        }
    )
# --- end reviews ---
# The email provider's tracking webhook (anymail): POST only, with the provider's auth.
ACCESS["public:webhooks/anymail/postmark/tracking/"] = same({400, 403, 405})


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


def walk(world, role_clients, selected) -> tuple[list[str], list[str], int]:
    mismatches: list[str] = []
    leaks: list[str] = []
    walked = 0
    for endpoint in selected:
        expected = expected_for(endpoint.key)
        path = concrete_path(endpoint, world.samples_for(endpoint.key))
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
    return mismatches, leaks, walked


def test_every_url_answers_each_role_as_the_table_says(world, role_clients):
    mismatches, leaks, walked = walk(world, role_clients, endpoints())
    assert walked >= 4 * len(ACCESS)
    assert mismatches == [], "\n".join(mismatches)
    assert leaks == []


def test_another_storefront_does_not_know_this_storefronts_orders(world, role_clients):
    number = world.alice_order.number
    for role, client in role_clients.items():
        for path in (f"/checkout/canceled/{number}/", f"/account/orders/{number}/"):
            response = client.get(path, HTTP_HOST=BOB_HOST)
            # The canceled page answers 200 alike for every number (shows none).
            expected = {404} if role != "anonymous" else {302, 404}
            if path.startswith("/checkout/canceled/"):
                expected = {200}
            assert response.status_code in expected, (
                role,
                path,
                response.status_code,
            )
            # (the canceled page echoes only its own address, in og:url)
            body = response.content.decode().replace(f"canceled/{number}/", "")
            assert number not in body


def test_the_sign_in_page_a_signed_in_page_sends_to_exists_on_that_host(world, role_clients):
    for host in (COMPANY_HOST, ALICE_HOST):
        response = role_clients["anonymous"].get("/privacy/my-data/", HTTP_HOST=host)
        assert response.status_code == 302
        target = role_clients["anonymous"].get(response["Location"], HTTP_HOST=host)
        assert target.status_code == 200, (host, response["Location"], target.status_code)
