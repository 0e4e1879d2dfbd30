"""Campaigns: required parts on every message, audience, the gate, at-most-once, opt-out at send."""

import email.policy
import re
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from privacy.marketing import services
from privacy.marketing.models import Campaign, CampaignRecipient, Subscriber, Suppression
from privacy.marketing.rendering import RenderedMessage, message_compliance_problems
from privacy.marketing.selectors import campaign_progress
from privacy.marketing.services import campaigns as campaign_services
from privacy.marketing.tasks import campaign_send_chunk_task, campaigns_start_due_task
from shopsocial.mail.models import OutboundEmail
from tests.conftest import COMPANY_HOST

from . import backends
from .conftest import subscriber_make

pytestmark = pytest.mark.django_db
Status = CampaignRecipient.Status
URL_RE = re.compile(r"^<(http://www\.shop\.test(/unsubscribe/[^/>]+/))>$")


def _start(campaign, capture, execute=True):
    with capture(execute=execute) as callbacks:
        services.campaign_start(campaign_id=campaign.pk)
    return callbacks


def _html(message) -> str:
    ((content, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return content


def _statuses(campaign) -> dict[str, str]:
    return dict(campaign.recipients.values_list("subscriber__email", "status"))


@pytest.fixture
def three(alice, bob):
    return [
        subscriber_make("ann@example.com", alice),
        subscriber_make("ben@example.com", alice),
        subscriber_make("cat@example.com", bob),
    ]


def test_every_message_carries_label_address_unsubscribe_link_and_both_headers(
    campaign, three, mailoutbox, django_capture_on_commit_callbacks, cookieless_client
):
    _start(campaign, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mailoutbox) == [
        "ann@example.com",
        "ben@example.com",
        "cat@example.com",
    ]
    for message in mailoutbox:
        assert message.from_email == "Shop Social Scenes LLC <news@shopsocialscenes.com>"
        assert message.subject == "Spring sale: 20% off candles"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        match = URL_RE.match(message.extra_headers["List-Unsubscribe"])
        assert match, message.extra_headers["List-Unsubscribe"]
        url = match.group(1)
        html = _html(message)
        for part in (message.body, html):
            assert "Advertisement" in part
            assert "PO Box 388" in part
            assert "San Juan Capistrano, CA 92693" in part
            assert url in part
            # The unsubscribe link comes after the campaign's own content.
            assert part.rindex(url) > part.index("about our candles")
        # The message as SMTP sends it carries both headers verbatim (not folded into
        # RFC 2047 encoded-words, which providers would not read as a URL).
        raw = message.message(policy=email.policy.SMTP).as_bytes()
        assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in raw
        assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw

    by_to = {m.to[0]: m for m in mailoutbox}
    assert "Ask Alice's Attic about our candles." in by_to["ann@example.com"].body
    assert "Ask Alice&#x27;s Attic about our candles." in _html(by_to["ann@example.com"])
    assert "Ask Bob's Barn about our candles." in by_to["cat@example.com"].body

    # The header's URL really unsubscribes, by one-click POST with nothing else.
    path = URL_RE.match(by_to["ben@example.com"].extra_headers["List-Unsubscribe"]).group(2)
    response = cookieless_client.post(
        path, {"List-Unsubscribe": "One-Click"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 200
    assert list(Suppression.objects.values_list("email", flat=True)) == ["ben@example.com"]

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert set(_statuses(campaign).values()) == {Status.SENT}


def test_the_gate_checks_the_rendered_message_not_the_form(
    campaign, three, mailoutbox, django_capture_on_commit_callbacks, tmp_path
):
    # A wrapper template that lost the unsubscribe link and the address.
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "marketing_campaign.html").write_text(
        "<p>{{ label }}</p>{{ body }}{{ body_end }}"
    )
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with (
        override_settings(TEMPLATES=templates),
        pytest.raises(services.CampaignComplianceError) as refused,
    ):
        _start(campaign, django_capture_on_commit_callbacks)
    assert "The HTML part lacks the unsubscribe link." in refused.value.problems
    assert "The HTML part lacks the postal address line “PO Box 388”." in refused.value.problems
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert CampaignRecipient.objects.count() == 0
    assert mailoutbox == []


def test_the_gate_refuses_a_body_that_does_not_render(campaign, three, mailoutbox):
    campaign.body_html = "<p>{% if %}</p>"
    campaign.save()
    with pytest.raises(services.CampaignComplianceError) as refused:
        services.campaign_start(campaign_id=campaign.pk)
    assert refused.value.problems[0].startswith("The body template has an error")
    assert CampaignRecipient.objects.count() == 0


def test_the_gate_requires_both_one_click_headers():
    message = RenderedMessage(
        to="a@example.com",
        subject="Hello",
        from_email="Shop Social Scenes LLC <news@shopsocialscenes.com>",
        text="Advertisement\nx\n-- \nPO Box 388\nSan Juan Capistrano, CA 92693\nhttp://u/",
        html="Advertisement x<!-- campaign-body-end -->PO Box 388 San Juan Capistrano, CA 92693 http://u/",
        unsubscribe_url="http://u/",
        headers={},
    )
    assert message_compliance_problems(message) == [
        "The List-Unsubscribe header is missing or wrong.",
        "The List-Unsubscribe-Post header is missing or wrong.",
    ]
    message.headers = {
        "List-Unsubscribe": "<http://u/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert message_compliance_problems(message) == []
    message.from_email = "Your friend <news@shopsocialscenes.com>"
    assert message_compliance_problems(message) == ["The From name is not the company's name."]


def test_retailer_audience_reaches_only_that_retailers_subscribers(
    campaign, three, alice, mailoutbox, django_capture_on_commit_callbacks
):
    campaign.audience = Campaign.Audience.RETAILERS
    campaign.save()
    campaign.retailers.set([alice])
    _start(campaign, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.com", "ben@example.com"]


def test_unsubscribed_and_unconfirmed_people_are_not_queued(
    campaign, three, alice, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber_make("new@example.com", alice, confirmed=False)
    services.subscriber_unsubscribe(subscriber=three[0], source="test")
    _start(campaign, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == ["ben@example.com", "cat@example.com"]


def test_opt_out_between_queue_and_send_is_honoured(
    campaign, three, mailoutbox, django_capture_on_commit_callbacks, cookieless_client
):
    from privacy.marketing import tokens

    callbacks = _start(campaign, django_capture_on_commit_callbacks, execute=False)
    assert campaign.recipients.count() == 3  # queued with ben in it
    ben = three[1]
    cookieless_client.post(
        f"/unsubscribe/{tokens.unsubscribe_token_make(ben.pk)}/",
        {"List-Unsubscribe": "One-Click"},
        HTTP_HOST=COMPANY_HOST,
    )
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.com", "cat@example.com"]
    assert _statuses(campaign)["ben@example.com"] == Status.SUPPRESSED
    assert str(campaign_progress(campaign_id=campaign.pk)) == (
        "2 sent, 1 skipped as suppressed, 0 failed, 0 interrupted, 0 remaining (of 3)"
    )


def test_a_bounce_recorded_after_queueing_is_honoured_at_send(
    campaign, three, mailoutbox, django_capture_on_commit_callbacks, suppress
):
    callbacks = _start(campaign, django_capture_on_commit_callbacks, execute=False)
    suppress(" CAT@example.com ")
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.com", "ben@example.com"]


def _bounds(campaign) -> tuple[int, int]:
    ids = list(campaign.recipients.order_by("pk").values_list("pk", flat=True))
    return ids[0], ids[-1]


def test_a_worker_dying_mid_batch_never_causes_a_duplicate(
    campaign, alice, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(campaign_services, "BATCH_SIZE", 2)
    for n in range(5):
        subscriber_make(f"p{n}@example.com", alice)
    _start(campaign, django_capture_on_commit_callbacks, execute=False)
    first, last = _bounds(campaign)

    backends.DyingBackend.budget = 3  # dies on the 4th message: batch 2, second row
    with monkeypatch.context() as m:
        m.setattr(
            settings, "MAILERS", {"default": {"BACKEND": "tests.marketing.backends.DyingBackend"}}
        )
        with pytest.raises(backends.WorkerDied):
            services.campaign_send_chunk(campaign_id=campaign.pk, first_id=first, last_id=last)
    assert [m.to[0] for m in mailoutbox] == ["p0@example.com", "p1@example.com", "p2@example.com"]
    assert list(campaign.recipients.order_by("pk").values_list("status", flat=True)) == [
        Status.SENT,
        Status.SENT,
        Status.SENDING,
        Status.SENDING,
        Status.PENDING,
    ]

    # The broker redelivers the task (acks_late) and it runs again, twice even.
    campaign_send_chunk_task.apply(args=[campaign.pk, first, last])
    campaign_send_chunk_task.apply(args=[campaign.pk, first, last])
    sent = [m.to[0] for m in mailoutbox]
    assert sent == ["p0@example.com", "p1@example.com", "p2@example.com", "p4@example.com"]
    assert len(set(sent)) == len(sent)

    # Later the watchdog closes the batch the dead worker held: never resent.
    services.campaign_watchdog(now=timezone.now() + timedelta(minutes=16))
    assert list(campaign.recipients.order_by("pk").values_list("status", flat=True)) == [
        Status.SENT,
        Status.SENT,
        Status.INTERRUPTED,
        Status.INTERRUPTED,
        Status.SENT,
    ]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert len(mailoutbox) == 4


def test_a_retried_task_sends_nothing_twice(
    campaign, three, mailoutbox, django_capture_on_commit_callbacks
):
    _start(campaign, django_capture_on_commit_callbacks)
    first, last = _bounds(campaign)
    campaign_send_chunk_task.apply(args=[campaign.pk, first, last])
    services.campaign_dispatch(campaign_id=campaign.pk)
    assert len(mailoutbox) == 3


def test_a_provider_refusal_fails_that_one_and_requeues_the_rest(
    campaign, three, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    _start(campaign, django_capture_on_commit_callbacks, execute=False)
    first, last = _bounds(campaign)
    backends.RefusingBackend.budget = 1
    with monkeypatch.context() as m:
        m.setattr(
            settings,
            "MAILERS",
            {"default": {"BACKEND": "tests.marketing.backends.RefusingBackend"}},
        )
        with pytest.raises(services.TransientSendError):
            services.campaign_send_chunk(campaign_id=campaign.pk, first_id=first, last_id=last)
    assert _statuses(campaign) == {
        "ann@example.com": Status.SENT,
        "ben@example.com": Status.FAILED,
        "cat@example.com": Status.PENDING,
    }
    services.campaign_send_chunk(campaign_id=campaign.pk, first_id=first, last_id=last)
    assert [m.to[0] for m in mailoutbox] == ["ann@example.com", "cat@example.com"]


def test_pause_stops_sending_and_resume_finishes(
    campaign, three, mailoutbox, django_capture_on_commit_callbacks
):
    callbacks = _start(campaign, django_capture_on_commit_callbacks, execute=False)
    services.campaign_pause(campaign_id=campaign.pk)
    for callback in callbacks:
        callback()
    assert mailoutbox == []
    assert campaign_progress(campaign_id=campaign.pk).remaining == 3

    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_resume(campaign_id=campaign.pk)
    assert len(mailoutbox) == 3
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    with pytest.raises(services.CampaignStateError):
        services.campaign_start(campaign_id=campaign.pk)
    assert len(mailoutbox) == 3


def test_scheduled_campaign_is_started_by_the_beat_task_when_due(
    campaign, three, mailoutbox, django_capture_on_commit_callbacks
):
    campaign.send_at = timezone.now() + timedelta(hours=1)
    campaign.save()
    services.campaign_schedule(campaign_id=campaign.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_start_due_task.apply().get() == []
    assert mailoutbox == []

    Campaign.objects.filter(pk=campaign.pk).update(send_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_start_due_task.apply().get() == [campaign.pk]
    assert len(mailoutbox) == 3


def test_test_send_is_a_marketing_row_with_every_required_part(
    campaign, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_test_send(campaign_id=campaign.pk, to="Staff@Example.com")
    row = OutboundEmail.objects.get()
    assert row.kind == OutboundEmail.Kind.MARKETING
    assert row.status == OutboundEmail.Status.SENT
    (message,) = mailoutbox
    assert message.subject == "[Test] Spring sale: 20% off candles"
    assert URL_RE.match(message.extra_headers["List-Unsubscribe"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Advertisement" in message.body and "PO Box 388" in _html(message)
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    assert f"\r\nList-Unsubscribe: {message.extra_headers['List-Unsubscribe']}\r\n".encode() in raw
    # The test address is not put on the list.
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_three_workers_claiming_concurrently_send_each_recipient_once(
    alice, campaign, mailoutbox, monkeypatch
):
    monkeypatch.setattr(campaign_services, "BATCH_SIZE", 7)
    for n in range(120):
        subscriber_make(f"w{n:03d}@example.com", alice)
    # No dispatch: here the three "workers" are threads started below.
    monkeypatch.setattr(campaign_services, "campaign_dispatch", lambda campaign_id: 0)
    services.campaign_start(campaign_id=campaign.pk)
    assert mailoutbox == []
    first, last = _bounds(campaign)
    errors = []
    start = threading.Barrier(3)
    monkeypatch.setattr(
        settings, "MAILERS", {"default": {"BACKEND": "tests.marketing.backends.SlowBackend"}}
    )

    def worker():
        start.wait()
        try:
            services.campaign_send_chunk(campaign_id=campaign.pk, first_id=first, last_id=last)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sent = [m.to[0] for m in mailoutbox]
    assert len(sent) == 120
    assert len(set(sent)) == 120
    assert campaign_progress(campaign_id=campaign.pk).sent == 120
