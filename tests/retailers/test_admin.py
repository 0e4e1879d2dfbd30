"""Staff admin: masked SSN/EIN, search, filters, suspend/reactivate, least-privilege groups."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from retailers.models import Retailer, RetailerAuditEvent
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, company, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")
    client.force_login(admin)
    return client


def test_changelist_and_change_page_show_the_tax_id_masked_only(admin_client, alice_owner):
    listing = admin_client.get("/admin/retailers/retailer/", HTTP_HOST=COMPANY_HOST)
    assert listing.status_code == 200
    assert "***-**-6789" in listing.text
    change = admin_client.get(
        f"/admin/retailers/retailer/{alice_owner.pk}/change/", HTTP_HOST=COMPANY_HOST
    )
    assert change.status_code == 200
    assert "***-**-6789" in change.text
    for leak in ("123-45-6789", "123456789", alice_owner.tax_id_encrypted[:20]):
        assert leak not in listing.text and leak not in change.text


@pytest.mark.parametrize("term", ["alice", "Alice_Owner Example", "alice_owner@example.com"])
def test_admin_search_finds_retailers(admin_client, alice_owner, bob_owner, term):
    response = admin_client.get("/admin/retailers/retailer/", {"q": term}, HTTP_HOST=COMPANY_HOST)
    assert "Alice&#x27;s Attic" in response.text
    assert "Bob&#x27;s Barn" not in response.text


def test_admin_search_by_retailer_id(admin_client, alice_owner, bob_owner):
    response = admin_client.get(
        "/admin/retailers/retailer/", {"q": alice_owner.retailer_number}, HTTP_HOST=COMPANY_HOST
    )
    assert "Alice&#x27;s Attic" in response.text and "Bob&#x27;s Barn" not in response.text


def test_admin_filters_by_state(admin_client, alice, bob):
    response = admin_client.get(
        "/admin/retailers/retailer/", {"state": "ID"}, HTTP_HOST=COMPANY_HOST
    )
    assert "Bob&#x27;s Barn" in response.text and "Alice&#x27;s Attic" not in response.text


def test_suspend_action_closes_the_storefront_at_once_and_reactivate_reopens(
    admin_client, client, alice
):
    assert client.get("/", HTTP_HOST=ALICE_HOST).status_code == 200  # host cache warm
    response = admin_client.post(
        "/admin/retailers/retailer/",
        {"action": "suspend_selected", "_selected_action": [alice.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302
    assert Retailer.objects.get(pk=alice.pk).status == "suspended"
    closed = client.get("/", HTTP_HOST=ALICE_HOST)
    assert closed.status_code == 503
    assert "This shop is closed" in closed.text
    admin_client.post(
        "/admin/retailers/retailer/",
        {"action": "reactivate_selected", "_selected_action": [alice.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert client.get("/", HTTP_HOST=ALICE_HOST).status_code == 200
    actions = list(
        RetailerAuditEvent.objects.filter(retailer=alice).values_list("action", flat=True)
    )
    assert sorted(actions) == ["reactivated", "suspended"]


def test_staff_groups_exist_with_least_privilege():
    perms = {
        g.name: set(g.permissions.values_list("content_type__app_label", "codename"))
        for g in Group.objects.filter(name__in=["Support", "Fulfilment", "Compliance"])
    }
    assert set(perms) == {"Support", "Fulfilment", "Compliance"}
    assert ("orders", "change_order") in perms["Fulfilment"]
    assert not any(app == "retailers" for app, _ in perms["Fulfilment"])
    assert ("retailers", "suspend_retailer") in perms["Compliance"]
    assert ("retailers", "suspend_retailer") not in perms["Support"]
    for granted in perms.values():
        assert not any(code.startswith("delete_") for _, code in granted)


def test_support_staff_cannot_suspend(client, alice, django_user_model):
    staff = django_user_model.objects.create_user("helper", password="pw-helper-123", is_staff=True)
    staff.groups.add(Group.objects.get(name="Support"))
    client.force_login(staff)
    client.post(
        "/admin/retailers/retailer/",
        {"action": "suspend_selected", "_selected_action": [alice.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert Retailer.objects.get(pk=alice.pk).status == "active"


def _change_form_data(page, **changes) -> dict:
    """What the admin change page would post back, with `changes`."""
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update(
            {management[name].html_name: management[name].value() for name in management.fields}
        )
        for inline_form in formset.formset.forms:
            data.update(
                {inline_form[n].html_name: inline_form[n].value() or "" for n in inline_form.fields}
            )
    return {**data, **changes}


def test_admin_contact_fields_follow_the_same_rules_as_registration(admin_client, alice_owner):
    url = f"/admin/retailers/retailer/{alice_owner.pk}/change/"
    page = admin_client.get(url, HTTP_HOST=COMPANY_HOST)
    assert '<select name="state"' in page.text  # a list of states, not free text
    assert 'value="(512) 555-0142"' in page.text  # stored E.164, shown nationally

    refused = admin_client.post(
        url, _change_form_data(page, postal_code="ABCDE", state="ZZ"), HTTP_HOST=COMPANY_HOST
    )
    assert refused.status_code == 200
    assert "Enter a ZIP code like 78701" in refused.text
    assert "Choose a US state from the list" in refused.text

    saved = admin_client.post(
        url,
        _change_form_data(page, phone="949 555 0100", state="CA", postal_code="92672"),
        HTTP_HOST=COMPANY_HOST,
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    alice_owner.refresh_from_db()
    assert (alice_owner.phone, alice_owner.state, alice_owner.postal_code) == (
        "+19495550100",
        "CA",
        "92672",
    )
