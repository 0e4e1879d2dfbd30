"""Property: no hostile path or query value gives a server error, on any URL of either site.

Every pattern of both urlconfs (admin included, see urlwalk.py) is requested with
hypothesis-chosen hostile values in its path parameters and its query string (NUL
and control characters, bad UTF-8, over-long strings, non-numeric and out-of-range
ids, markup, traversal), by an anonymous visitor and by a power user (superuser who
also owns alice's shop and is signed in to the back office), with GET and POST (POST
bodies with hostile form fields, url-encoded and multipart).
Request headers (cookies, Referer, conditional and range headers...) get hostile values
too. The answer must be below 500.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.security.conftest import _backoffice_sign_in
from tests.security.urlwalk import concrete_path, endpoints

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

HOSTILE = [
    "\x00",
    "a\x00b",
    "\x01\x1b[2J",
    "x" * 300,
    "y" * 5000,
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "abc",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "'; DROP TABLE orders_order; --",
    "\u202e\u0430dmin",
    "😀" * 40,
    "a@b.c" * 60,
    "cs_" + "9" * 300,
    "%",
    "%zz",
]
# Raw (already percent-encoded) fragments: bytes that are not UTF-8, an encoded NUL.
RAW = ["%FF", "%C0%AF", "%ED%A0%80", "%00", "%E2%82", "%FF%FE%00"]
QUERY_KEYS = [
    "session_id", "next", "q", "page", "p", "o", "e", "sort", "product", "product_id",
    "qty", "quantity", "category", "zip", "distance", "saved", "token", "id", "pk",
    "retailer", "number", "_changelist_filters", "all", "status__exact",
]  # fmt: skip

HEADERS = [
    "HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_ACCEPT_LANGUAGE", "HTTP_COOKIE", "HTTP_ORIGIN",
    "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_NONE_MATCH", "HTTP_RANGE", "HTTP_X_FORWARDED_FOR",
    "HTTP_DNT", "HTTP_SEC_GPC",
]  # fmt: skip

hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
hostile_headers = st.dictionaries(
    st.sampled_from(HEADERS),
    st.one_of(hostile_text, hostile_text.map(lambda v: f"sessionid={v}; csrftoken={v}")),
    max_size=2,
)


@st.composite
def path_value(draw) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(RAW)) + quote(draw(hostile_text), safe="")
    return quote(draw(hostile_text), safe="")


@st.composite
def query_string(draw) -> str:
    pairs = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        key = draw(st.one_of(st.sampled_from(QUERY_KEYS), hostile_text))
        value = draw(hostile_text)
        pair = f"{quote(key, safe='')}={quote(value, safe='')}"
        if draw(st.booleans()):
            pair += draw(st.sampled_from(RAW))
        pairs.append(pair)
    return "&".join(pairs)


# POST bodies (issue 30 item 5): the same hostile values in form fields, sent both
# url-encoded and multipart (the field names of the forms that once answered 500).
URLENCODED = "application/x-www-form-urlencoded"
FORM_KEYS = [*QUERY_KEYS, "code", "shipping_method", "email", "name", "message", "decision"]
form_body = st.one_of(
    st.none(),
    st.dictionaries(
        st.one_of(st.sampled_from(FORM_KEYS), hostile_text), hostile_text, min_size=1, max_size=3
    ),
)

ENDPOINTS = endpoints()


@pytest.fixture
def clients(alice) -> dict[str, Client]:
    power = get_user_model().objects.create_superuser("prop-power", "prop-power@example.com")
    alice.user = power
    alice.save(update_fields=["user"])
    power_client = Client(raise_request_exception=False)
    _backoffice_sign_in(power_client, alice)
    return {"anonymous": Client(raise_request_exception=False), "power": power_client}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_hostile_path_and_query_values_never_get_a_server_error(endpoint, clients):
    host = COMPANY_HOST if endpoint.site == "public" else ALICE_HOST

    @PROPERTY_SETTINGS
    @given(
        values=st.fixed_dictionaries({name: path_value() for name in endpoint.params}),
        query=query_string(),
        role=st.sampled_from(sorted(clients)),
        method=st.sampled_from(["get", "post"]),
        headers=hostile_headers,
        body=form_body,
        encoding=st.sampled_from(["multipart", "urlencoded"]),
    )
    def check(values, query, role, method, headers, body, encoding):
        path = concrete_path(endpoint, values)
        url = f"{path}?{query}"
        if method == "post" and body and encoding == "urlencoded":
            response = clients[role].post(
                url, urlencode(body), content_type=URLENCODED, HTTP_HOST=host, **headers
            )
        elif method == "post" and body:
            response = clients[role].post(url, body, HTTP_HOST=host, **headers)  # multipart
        else:
            response = getattr(clients[role], method)(url, HTTP_HOST=host, **headers)
        assert response.status_code < 500, (
            role,
            method,
            path,
            query,
            headers,
            body,
            encoding,
            response.status_code,
        )

    check()
