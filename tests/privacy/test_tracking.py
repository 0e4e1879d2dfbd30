"""No tracking when the person says no: DNT, GPC, the opt-out; CSP; gpc.json."""

import json
from pathlib import Path

import pytest

from privacy.tracking import OPT_OUT_COOKIE
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.privacy.conftest import GA_ID

pytestmark = pytest.mark.django_db

HOSTS = [COMPANY_HOST, ALICE_HOST]
GET_PAGES = ["/", "/privacy/", "/privacy/analytics/", "/contact/", "/.well-known/gpc.json"]
GTAG = "googletagmanager.com/gtag/js"


@pytest.fixture(autouse=True)
def _tenants(company, alice):
    return None


@pytest.mark.parametrize("host", HOSTS)
def test_analytics_is_rendered_when_tracking_is_allowed(client, ga, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 200
    assert f"{GTAG}?id={GA_ID}" in response.text
    assert f'src="/static/privacy/analytics.js" data-ga-id="{GA_ID}"' in response.text
    assert "https://www.googletagmanager.com" in response["Content-Security-Policy"]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(
    "headers",
    [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}],
    ids=["dnt", "gpc"],
)
def test_dnt_and_gpc_turn_analytics_off_and_set_no_cookie(client, ga, host, headers):
    for path in GET_PAGES:
        response = client.get(path, HTTP_HOST=host, **headers)
        assert response.status_code == 200, path
        assert GTAG not in response.text, path
        assert "googletagmanager" not in response.get("Content-Security-Policy", ""), path
        assert not response.cookies, (path, response.cookies)
        assert "Set-Cookie" not in response.headers, path


@pytest.mark.parametrize("host", HOSTS)
def test_the_opt_out_cookie_turns_analytics_off_and_sets_the_ga_disable_flag(client, ga, host):
    client.cookies[OPT_OUT_COOKIE] = "1"
    for path in GET_PAGES[:4]:
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 200
        assert GTAG not in response.text
        assert (
            f'src="/static/privacy/ga-disable.js" data-ga-id="{GA_ID}" '
            f'data-flag="ga-disable-{GA_ID}"' in response.text
        )
        assert "analytics.js" not in response.text
        assert "googletagmanager" not in response["Content-Security-Policy"]
        assert not response.cookies


@pytest.mark.parametrize("host", HOSTS)
def test_without_a_measurement_id_there_is_no_analytics_at_all(client, settings, host):
    settings.GA_MEASUREMENT_ID = ""
    response = client.get("/", HTTP_HOST=host)
    assert "gtag" not in response.text
    assert "ga-disable" not in response.text
    assert "googletagmanager" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("host", HOSTS)
def test_responses_vary_on_dnt_gpc_and_cookie(client, host):
    response = client.get("/privacy/", HTTP_HOST=host)
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"dnt", "sec-gpc", "cookie"} <= vary


@pytest.mark.parametrize("host", HOSTS)
def test_csp_allows_only_our_own_origin_without_tracking(client, host):
    response = client.get("/", HTTP_HOST=host, HTTP_SEC_GPC="1")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "http" not in csp.replace("'self'", "")
    assert "unsafe-inline" not in csp
    assert response["Permissions-Policy"].startswith("camera=()")


def test_no_inline_script_so_cached_pages_stay_valid_under_the_csp(client, ga):
    for headers in ({}, {"HTTP_DNT": "1"}):
        response = client.get("/", HTTP_HOST=COMPANY_HOST, **headers)
        assert "<script>" not in response.text and "<script nonce" not in response.text
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "nonce" not in response["Content-Security-Policy"].split("style-src")[0]


def test_the_opt_out_script_sets_the_ga_disable_flag():
    from django.contrib.staticfiles import finders

    source = Path(finders.find("privacy/ga-disable.js")).read_text()
    assert 'window["ga-disable-" + id] = true;' in source
    analytics = Path(finders.find("privacy/analytics.js")).read_text()
    assert "allow_ad_personalization_signals: false" in analytics


def test_a_malformed_measurement_id_renders_nothing(client, settings):
    settings.GA_MEASUREMENT_ID = "G-1'};alert(1);//"
    response = client.get("/", HTTP_HOST=ALICE_HOST)
    assert "data-ga-id" not in response.text
    assert "googletagmanager" not in response.text


@pytest.mark.parametrize("host", HOSTS)
def test_gpc_json_is_published_on_every_host(client, host):
    response = client.get("/.well-known/gpc.json", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"gpc": True, "lastUpdate": "2026-11-25"}


@pytest.mark.parametrize("host", HOSTS)
def test_opting_out_sets_one_necessary_cookie_and_opting_in_removes_it(client, ga, host):
    response = client.post("/privacy/analytics/", {"choice": "opt_out"}, HTTP_HOST=host)
    assert response.status_code == 303
    assert response["Location"] == "/privacy/analytics/?saved=1"
    assert list(response.cookies) == [OPT_OUT_COOKIE]
    cookie = response.cookies[OPT_OUT_COOKIE]
    assert cookie.value == "1"
    assert cookie["domain"] == ".shop.test"  # one choice for the company site and every shop
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"

    page = client.get("/privacy/analytics/?saved=1", HTTP_HOST=host)
    assert "Your choice is saved." in page.text
    assert "You turned analytics off." in page.text
    assert not page.cookies

    response = client.post("/privacy/analytics/", {"choice": "opt_in"}, HTTP_HOST=host)
    assert response.status_code == 303
    assert response.cookies[OPT_OUT_COOKIE].value == ""
    assert response.cookies[OPT_OUT_COOKIE]["max-age"] == 0
    assert GTAG in client.get("/", HTTP_HOST=host).text


def test_analytics_page_explains_why_it_is_off_under_gpc_and_dnt(client, ga):
    gpc = client.get("/privacy/analytics/", HTTP_HOST=ALICE_HOST, HTTP_SEC_GPC="1")
    dnt = client.get("/privacy/analytics/", HTTP_HOST=ALICE_HOST, HTTP_DNT="1")
    assert "Global Privacy Control signal" in gpc.text
    assert "Do Not Track" in dnt.text and "so we do not load analytics at all" in dnt.text


@pytest.mark.parametrize("data", [{}, {"choice": "maybe"}])
def test_a_bad_analytics_choice_is_refused_and_sets_no_cookie(client, data):
    response = client.post("/privacy/analytics/", data, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    assert "Please choose one of the two buttons." in response.text
    assert not response.cookies


def test_only_the_exact_value_1_counts_as_a_signal(client, ga):
    response = client.get("/", HTTP_HOST=ALICE_HOST, HTTP_SEC_GPC="0", HTTP_DNT="0")
    assert GTAG in response.text
