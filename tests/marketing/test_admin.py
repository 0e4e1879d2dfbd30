"""Campaigns in the Django admin: preview, test-send, start, progress, pause; the gate's refusal."""

import pytest
from django.contrib.auth import get_user_model

from privacy.marketing.models import Campaign, CampaignRecipient
from tests.conftest import COMPANY_HOST

from .conftest import subscriber_make

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/marketing/campaign/"


@pytest.fixture
def staff_client(client, company):
    staff = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(staff)
    return client


def _action(client, action, campaign):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [campaign.pk]},
        HTTP_HOST=COMPANY_HOST,
        follow=True,
    )


def test_preview_shows_the_message_with_the_parts_the_system_adds(staff_client, campaign):
    response = staff_client.get(f"{CHANGELIST}{campaign.pk}/preview/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert b"Passes: the Advertisement label" in response.content
    assert b"List-Unsubscribe-Post" in response.content
    assert b"List-Unsubscribe=One-Click" in response.content
    assert b"Ask Sample Retailer about our candles." in response.content


def test_start_action_sends_and_the_change_page_shows_progress(
    staff_client, campaign, alice, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber_make("ann@example.com", alice)
    subscriber_make("ben@example.com", alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = _action(staff_client, "start_now", campaign)
    assert b"sending started." in response.content
    assert len(mailoutbox) == 2
    response = staff_client.get(f"{CHANGELIST}{campaign.pk}/change/", HTTP_HOST=COMPANY_HOST)
    assert (
        b"2 sent, 0 skipped as suppressed, 0 failed, 0 interrupted, 0 remaining (of 2)"
        in response.content
    )


def test_the_gate_refusal_is_shown_and_nothing_is_queued(staff_client, campaign, alice):
    subscriber_make("ann@example.com", alice)
    Campaign.objects.filter(pk=campaign.pk).update(subject="  ")
    response = _action(staff_client, "start_now", campaign)
    assert "refused by the compliance gate: The subject is empty." in response.content.decode()
    assert CampaignRecipient.objects.count() == 0
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_pause_action_on_a_draft_is_explained(staff_client, campaign):
    response = _action(staff_client, "pause", campaign)
    assert b"Only a campaign that is sending can be paused." in response.content


def test_test_send_goes_to_the_staff_members_own_address(
    staff_client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _action(staff_client, "send_test", campaign)
    assert b"test sent to boss@example.com." in response.content
    assert [m.to for m in mailoutbox] == [["boss@example.com"]]
