"""The policy page: versions as data, change history, the 30-day change notice."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from privacy.models import PolicyVersion
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

HOSTS = [COMPANY_HOST, ALICE_HOST]
NOTICE = "We updated our Privacy Policy on"


@pytest.fixture(autouse=True)
def _tenants(company, alice):
    return None


def _draft(version="2.0", effective=None, **extra):
    return PolicyVersion.objects.create(
        version=version,
        effective_date=effective or timezone.localdate(),
        text=extra.pop("text", "New full text.\n\nSecond paragraph."),
        summary_of_changes=extra.pop("summary", "We now explain surveys more clearly."),
        **extra,
    )


def _publish(admin_client, version):
    return admin_client.post(
        "/admin/privacy/policyversion/",
        {"action": "publish", "_selected_action": [version.pk]},
        HTTP_HOST=COMPANY_HOST,
    )


@pytest.mark.parametrize("host", HOSTS)
def test_policy_page_shows_the_seeded_first_version(client, host, settings):
    response = client.get("/privacy/", HTTP_HOST=host)
    assert response.status_code == 200
    seeded = PolicyVersion.objects.get(version="1.0")
    assert seeded.published is True
    assert "Version 1.0, effective" in response.text
    for promise in (
        "Card payments are handled entirely by our payment provider",
        "Do Not Track",
        "Global Privacy Control",
        "/privacy/analytics/",
        "No third-party tracking",
        "under 13",
        "within 7 business days",
        "unsubscribe link",
        "call us, write to us through our contact form",
        "When you register as a retailer",
        "survey",
        "newsletter",
        settings.COMPANY["phone"],
        settings.COMPANY["email"],
        settings.COMPANY["address_lines"][0],
    ):
        assert promise in response.text, promise
    assert NOTICE not in response.text  # the first version is not a change


def test_the_first_version_alone_shows_no_change_notice(client):
    assert NOTICE not in client.get("/", HTTP_HOST=ALICE_HOST).text


def test_staff_publish_a_new_version_and_every_page_shows_the_notice(client, admin_client):
    version = _draft()
    assert NOTICE not in client.get("/", HTTP_HOST=ALICE_HOST).text  # drafts are invisible

    response = _publish(admin_client, version)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.published is True and version.published_at is not None

    for host in HOSTS:
        home = client.get("/", HTTP_HOST=host)
        assert NOTICE in home.text
        assert 'href="/privacy/#changes"' in home.text
        policy = client.get("/privacy/", HTTP_HOST=host)
        assert "Version 2.0, effective" in policy.text
        assert "New full text." in policy.text
        assert "We now explain surveys more clearly." in policy.text
        assert "Version 1.0 — effective" in policy.text  # the history lists the old one
        assert 'href="/privacy/versions/1.0/"' in policy.text


def test_the_notice_disappears_30_days_after_the_change(client):
    old = timezone.localdate() - timedelta(days=30)
    PolicyVersion.objects.filter(version="1.0").update(effective_date=old - timedelta(days=90))
    _draft(effective=old, published=True, published_at=timezone.now())
    assert NOTICE not in client.get("/", HTTP_HOST=ALICE_HOST).text


def test_the_notice_is_still_shown_on_day_29(client):
    recent = timezone.localdate() - timedelta(days=29)
    PolicyVersion.objects.filter(version="1.0").update(effective_date=recent - timedelta(days=90))
    _draft(effective=recent, published=True, published_at=timezone.now())
    assert NOTICE in client.get("/", HTTP_HOST=ALICE_HOST).text


def test_a_version_with_a_future_effective_date_is_not_current_yet(client):
    _draft(effective=timezone.localdate() + timedelta(days=10), published=True)
    page = client.get("/privacy/", HTTP_HOST=ALICE_HOST)
    assert "Version 1.0, effective" in page.text
    assert "New full text." not in page.text


def test_an_old_version_stays_readable(client):
    _draft(published=True, published_at=timezone.now())
    page = client.get("/privacy/versions/1.0/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert "This version has been replaced" in page.text


def test_unknown_or_unpublished_version_is_404(client):
    _draft(version="9.9")
    assert client.get("/privacy/versions/9.9/", HTTP_HOST=ALICE_HOST).status_code == 404
    assert client.get("/privacy/versions/nope/", HTTP_HOST=ALICE_HOST).status_code == 404


def test_publishing_twice_is_refused_and_changes_nothing(admin_client):
    version = _draft()
    _publish(admin_client, version)
    version.refresh_from_db()
    first = version.published_at
    response = _publish(admin_client, version)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.published_at == first


def test_a_published_version_cannot_be_edited_in_the_admin(admin_client):
    version = _draft(published=True, published_at=timezone.now())
    admin_client.post(
        f"/admin/privacy/policyversion/{version.pk}/change/",
        {
            "version": "2.0",
            "effective_date": "2030-01-01",
            "text": "tampered",
            "summary_of_changes": "x",
        },
        HTTP_HOST=COMPANY_HOST,
    )
    version.refresh_from_db()
    assert version.text == "New full text.\n\nSecond paragraph."
    assert version.effective_date == timezone.localdate()


def test_a_draft_with_missing_fields_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/privacy/policyversion/add/",
        {"version": "3.0", "effective_date": "not a date", "text": "", "summary_of_changes": ""},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 200
    assert "Enter a valid date." in response.text
    assert not PolicyVersion.objects.filter(version="3.0").exists()


def test_post_to_the_policy_page_is_not_allowed(client):
    assert client.post("/privacy/", HTTP_HOST=ALICE_HOST).status_code == 405


def test_effective_date_is_a_date():
    assert isinstance(PolicyVersion.objects.get(version="1.0").effective_date, date)


def test_numbered_lines_become_headings_and_text_is_escaped(client):
    _draft(
        text="Intro <b>bold</b>.\n\n1. What we collect\n\nNames & emails.",
        published=True,
        published_at=timezone.now(),
    )
    page = client.get("/privacy/", HTTP_HOST=ALICE_HOST)
    assert "<h2>1. What we collect</h2>" in page.text
    assert "<p>Intro &lt;b&gt;bold&lt;/b&gt;.</p>" in page.text
    assert "<p>Names &amp; emails.</p>" in page.text
