"""Sponsorship: "Join my team" on every storefront, the sponsor recorded at registration,
the genealogy kept by the database, and Compliance moves with a reason."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from retailers.models import Retailer
from retailers.team import selectors, services
from retailers.team.models import SponsorChange, TeamMember
from tests.conftest import ALICE_HOST, COMPANY_HOST

from .conftest import member

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_every_storefront_links_join_my_team_with_its_retailer_id(client, alice):
    response = client.get("/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert f"/register/?sponsor={alice.retailer_number}" in response.text
    assert "Join my team" in response.text


def test_join_link_shows_the_sponsor_and_registration_records_it(
    client, alice, registration_data, django_capture_on_commit_callbacks
):
    response = client.get(f"/register/?sponsor={alice.retailer_number}", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert "You are joining the team of" in response.text
    assert alice.display_name.replace("'", "&#x27;") in response.text
    assert alice.retailer_number in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/register/",
            {**registration_data, "sponsor": alice.retailer_number},
            HTTP_HOST=COMPANY_HOST,
        )
    assert response.status_code == 302
    new = TeamMember.objects.get(retailer__slug="kristanna")
    assert new.sponsor_id == alice.pk
    assert new.path == f"{alice.pk}.{new.pk}"


def test_company_registration_without_a_sponsor_places_under_the_company(
    client, company, registration_data
):
    response = client.post("/register/", registration_data, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 302
    new = TeamMember.objects.get(retailer__slug="kristanna")
    assert new.sponsor_id is None
    assert new.path == str(new.pk)


def test_unknown_sponsor_id_is_refused_and_nothing_is_registered(
    client, company, registration_data
):
    response = client.post(
        "/register/", {**registration_data, "sponsor": "NOPE1234"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 400
    assert "No active retailer has that Retailer ID" in response.text
    assert not Retailer.objects.filter(slug="kristanna").exists()


def test_sponsor_finder_inline_lists_retailers_and_registers_nobody(
    client, alice, registration_data
):
    response = client.post(
        "/register/",
        {
            **registration_data,
            "tax_id": "234-56-7890",
            "find_sponsor": "Find",
            "sponsor_search": alice.retailer_number,
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 200
    assert f'value="{alice.retailer_number}"' in response.text
    assert not Retailer.objects.filter(slug="kristanna").exists()
    assert "234-56-7890" not in response.text  # secrets are never re-shown


def test_genealogy_selectors_downline_level_and_upline(company):
    jane = member("Jane")
    kim = member("Kim", jane)
    lou = member("Lou", kim)
    max_ = member("Max", jane)
    top = TeamMember.objects.get(pk=jane.pk)
    assert set(selectors.downline_qs(member=top).values_list("pk", flat=True)) == {
        kim.pk,
        lou.pk,
        max_.pk,
    }
    assert set(selectors.level_qs(member=top, level=2).values_list("pk", flat=True)) == {lou.pk}
    chain = selectors.upline_chain(member=TeamMember.objects.get(pk=lou.pk))
    assert [m.pk for m in chain] == [kim.pk, jane.pk]


def compliance_user():
    user = User.objects.create_user("carol_compliance", "carol@example.com", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Compliance"))
    return User.objects.get(pk=user.pk)


def test_compliance_moves_a_retailer_with_their_downline_audited(company):
    jane, zed = member("Jane"), member("Zed")
    kim = member("Kim", jane)
    lou = member("Lou", kim)
    actor = compliance_user()
    services.team_member_move(
        member=TeamMember.objects.get(pk=kim.pk),
        to_sponsor=zed,
        reason="Enrolled twice",
        actor=actor,
    )
    assert TeamMember.objects.get(pk=kim.pk).path == f"{zed.pk}.{kim.pk}"
    assert TeamMember.objects.get(pk=lou.pk).path == f"{zed.pk}.{kim.pk}.{lou.pk}"
    change = SponsorChange.objects.get()
    assert (change.from_sponsor_id, change.to_sponsor_id, change.reason, change.actor) == (
        jane.pk,
        zed.pk,
        "Enrolled twice",
        actor,
    )


def test_move_needs_reason_and_compliance_and_refuses_a_cycle(company):
    jane = member("Jane")
    kim = member("Kim", jane)
    actor = compliance_user()
    other = User.objects.create_user("finn", "finn@example.com", "x", is_staff=True)
    top = TeamMember.objects.get(pk=jane.pk)
    with pytest.raises(services.TeamError):
        services.team_member_move(member=top, to_sponsor=kim, reason="", actor=actor)
    with pytest.raises(services.TeamError):
        services.team_member_move(member=top, to_sponsor=kim, reason="why", actor=other)
    with pytest.raises(services.TeamError):
        services.team_member_move(member=top, to_sponsor=kim, reason="why", actor=actor)
    assert not SponsorChange.objects.exists()
    assert TeamMember.objects.get(pk=jane.pk).path == str(jane.pk)


def test_the_database_refuses_a_cycle_and_a_forged_path(company):
    jane = member("Jane")
    kim = member("Kim", jane)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.filter(pk=jane.pk).update(sponsor_id=kim.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.filter(pk=kim.pk).update(path="999")


def test_find_with_an_empty_search_registers_as_enter_in_any_field_would(
    client, company, registration_data
):
    response = client.post(
        "/register/",
        {**registration_data, "find_sponsor": "Find", "sponsor_search": "  "},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302
    assert TeamMember.objects.get(retailer__slug="kristanna").sponsor_id is None


def test_a_downline_is_one_btree_range_that_never_takes_a_longer_label(company):
    """Paths "900001" and "9000010": the second sorts right after the first's
    descendants and is not one of them."""
    from retailers.team.selectors import downline_qs

    def row(pk: int, sponsor: TeamMember | None = None) -> TeamMember:
        retailer = Retailer.objects.bulk_create(
            [Retailer(id=pk, slug=f"bt-{pk}", schema_name=f"r_bt_{pk}", retailer_number=f"B{pk}")]
        )[0]
        return TeamMember.objects.create(retailer=retailer, sponsor=sponsor)

    top = row(900001)
    child = row(900002, top)
    grandchild = row(900003, child)
    row(9000010)  # another top member whose path starts with the same digits
    row(9000011, TeamMember.objects.get(pk=9000010))
    top.refresh_from_db()
    assert sorted(m.pk for m in downline_qs(member=top)) == [child.pk, grandchild.pk]
