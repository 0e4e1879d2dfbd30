"""/contact/: phone and hours, a ticket with a reference, a secret link, a staff thread."""

import re

import pytest

from privacy.models import Ticket, TicketMessage
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

HOSTS = [COMPANY_HOST, ALICE_HOST]
VALID = {
    "topic": "change_info",
    "name": "Sam Shopper",
    "email": "sam@example.com",
    "phone": "",
    "order_number": "",
    "message": "Please change my phone number to 555-0199.",
}
LINK_RE = re.compile(r"http://(?P<host>[\w.]+)(?P<path>/contact/tickets/(T-\w+)/(\w+)/)")


@pytest.fixture(autouse=True)
def _tenants(company, alice, bob):
    return None


def _open(client, host=ALICE_HOST, capture=None, **overrides):
    data = {**VALID, **overrides}
    if capture is None:
        return client.post("/contact/", data, HTTP_HOST=host)
    with capture(execute=True):
        return client.post("/contact/", data, HTTP_HOST=host)


@pytest.mark.parametrize("host", HOSTS)
def test_contact_page_shows_phone_hours_and_every_topic(client, host, settings):
    response = client.get("/contact/", HTTP_HOST=host)
    assert response.status_code == 200
    assert settings.COMPANY["phone"] in response.text
    assert settings.COMPANY["phone_hours"] in response.text
    for label in (
        "Change my personal information",
        "See a copy of my data",
        "Delete my data",
        "Stop marketing email",
        "Order question",
        "Other",
    ):
        assert label in response.text
    assert not response.cookies


@pytest.mark.parametrize("host", HOSTS)
def test_a_shopper_opens_a_ticket_and_gets_a_reference_and_a_secret_link(
    client, host, mailoutbox, django_capture_on_commit_callbacks
):
    response = _open(client, host, django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/contact/sent/?ref={ticket.reference}"
    assert re.fullmatch(r"T-[A-Z2-9]{8}", ticket.reference)
    assert (ticket.topic, ticket.name, ticket.email, ticket.status) == (
        "change_info",
        "Sam Shopper",
        "sam@example.com",
        "open",
    )
    assert list(ticket.messages.values_list("author", "body")) == [
        ("customer", "Please change my phone number to 555-0199.")
    ]
    sent = client.get(response["Location"], HTTP_HOST=host)
    assert f"Your reference number is <strong>{ticket.reference}</strong>" in sent.text

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["sam@example.com"]
    assert message.subject == f"We have your message ({ticket.reference})"
    link = LINK_RE.search(message.body)
    assert link and link["host"] == host  # back to the site where it was opened
    page = client.get(link["path"], HTTP_HOST=host)
    assert page.status_code == 200
    assert "Please change my phone number to 555-0199." in page.text
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]


def _link(mailoutbox) -> str:
    return LINK_RE.search(mailoutbox[-1].body)["path"]


def test_another_persons_link_or_garbage_is_404(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _open(client, capture=django_capture_on_commit_callbacks)
    sams = _link(mailoutbox)
    _open(client, capture=django_capture_on_commit_callbacks, email="olga@example.com")
    olgas = _link(mailoutbox)
    sam_ref, sam_token = sams.strip("/").split("/")[2:]
    olga_ref, olga_token = olgas.strip("/").split("/")[2:]
    for path in (
        f"/contact/tickets/{sam_ref}/{olga_token}/",  # Olga's secret on Sam's ticket
        f"/contact/tickets/{olga_ref}/{sam_token}/",
        f"/contact/tickets/{sam_ref}/{'0' * 64}/",
        f"/contact/tickets/{sam_ref}/garbage/",
        "/contact/tickets/T-AAAAAAAA/garbage/",
    ):
        assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 404, path
        assert client.post(path, {"body": "hi"}, HTTP_HOST=ALICE_HOST).status_code == 404
    assert TicketMessage.objects.count() == 2


def test_the_shopper_replies_in_the_thread(client, mailoutbox, django_capture_on_commit_callbacks):
    _open(client, capture=django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.ANSWERED)
    path = _link(mailoutbox)
    response = client.post(path, {"body": "Also my email, please."}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 303
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert list(ticket.messages.values_list("author", "body"))[-1] == (
        "customer",
        "Also my email, please.",
    )
    assert "Your reply is sent." in client.get(path + "?sent=1", HTTP_HOST=ALICE_HOST).text


def test_an_empty_reply_is_refused_and_nothing_is_added(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _open(client, capture=django_capture_on_commit_callbacks)
    response = client.post(_link(mailoutbox), {"body": "   "}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert TicketMessage.objects.count() == 1


def test_staff_reply_in_the_admin_is_emailed_and_shown_in_the_thread(
    client, admin_client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    _open(client, capture=django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/privacy/ticket/{ticket.pk}/change/",
            {
                "status": "answered",
                "assignee": admin_user.pk,
                "reply": "Done: your phone number is now 555-0199.",
            },
            HTTP_HOST=COMPANY_HOST,
        )
    assert response.status_code == 302, response.content[:2000]
    ticket.refresh_from_db()
    assert ticket.status == "answered"
    assert ticket.assignee == admin_user
    reply = ticket.messages.last()
    assert (reply.author, reply.staff_user, reply.body) == (
        "staff",
        admin_user,
        "Done: your phone number is now 555-0199.",
    )
    assert len(mailoutbox) == 2
    email = mailoutbox[1]
    assert email.to == ["sam@example.com"]
    assert email.subject == f"Our reply to your request {ticket.reference}"
    assert "Done: your phone number is now 555-0199." in email.body
    page = client.get(_link(mailoutbox), HTTP_HOST=ALICE_HOST)
    assert "Done: your phone number is now 555-0199." in page.text


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("topic", "bribe", "Select a valid choice."),
        ("name", "", "This field is required."),
        ("message", "", "This field is required."),
        ("message", "x" * 5001, "Ensure this value has at most 5000 characters"),
    ],
)
def test_bad_contact_input_is_refused_keeping_what_was_typed(client, field, value, error):
    response = _open(client, **{field: value})
    assert response.status_code == 400
    assert error in response.text
    assert "Sam Shopper" in response.text or field == "name"
    assert Ticket.objects.count() == 0


def test_the_contact_form_is_rate_limited(client, mailoutbox):
    for n in range(5):
        assert _open(client, name=f"Sam {n}").status_code == 303
    response = _open(client, name="Sam 6")
    assert response.status_code == 429
    assert "Please wait an hour" in response.text
    assert "Sam 6" in response.text  # nothing typed is lost
    assert Ticket.objects.count() == 5


def test_a_bad_reference_on_the_thanks_page_is_not_echoed(client):
    response = client.get("/contact/sent/?ref=<script>", HTTP_HOST=BOB_HOST)
    assert response.status_code == 200
    assert "<script>" not in response.text.split("<main")[1]
    assert "Your reference number" not in response.text


def test_a_closed_ticket_takes_no_more_replies(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _open(client, capture=django_capture_on_commit_callbacks)
    Ticket.objects.update(status=Ticket.Status.CLOSED)
    response = client.post(_link(mailoutbox), {"body": "One more thing"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 409
    assert "This request is closed." in response.text
    assert TicketMessage.objects.count() == 1
    assert Ticket.objects.get().status == Ticket.Status.CLOSED
