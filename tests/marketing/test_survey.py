"""Post-purchase survey: a signed link per order, anonymous unless the shopper allows contact."""

import pytest
from django.contrib.auth import get_user_model

from privacy.marketing import tokens
from privacy.marketing.models import SurveyResponse
from privacy.marketing.selectors import survey_url_for_order
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(alice, make_order):
    return make_order(alice)


def _path(order) -> str:
    url = survey_url_for_order(order)
    assert url.startswith(f"http://{ALICE_HOST}/survey/")
    return url.removeprefix(f"http://{ALICE_HOST}")


def test_survey_link_opens_a_one_question_form(client, order):
    response = client.get(_path(order), HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert response.content.count(b'name="rating"') == 5
    assert b'name="comment"' in response.content
    assert b'name="may_contact"' in response.content
    assert not response.cookies


def test_answer_is_anonymous_by_default(client, order, alice):
    response = client.post(
        _path(order), {"rating": "4", "comment": " Lovely candles "}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 200
    assert b"Thanks for telling us" in response.content
    answer = SurveyResponse.objects.get()
    assert (answer.rating, answer.comment, answer.may_contact, answer.order) == (
        4,
        "Lovely candles",
        False,
        None,
    )
    assert answer.retailer == alice


def test_shopper_may_allow_contact_which_links_the_order(client, order):
    client.post(_path(order), {"rating": "2", "may_contact": "on"}, HTTP_HOST=ALICE_HOST)
    answer = SurveyResponse.objects.get()
    assert answer.order == order
    assert answer.may_contact is True


def test_one_answer_per_order(client, order):
    client.post(_path(order), {"rating": "5"}, HTTP_HOST=ALICE_HOST)
    response = client.post(_path(order), {"rating": "1"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert b"We already have your answer" in response.content
    assert list(SurveyResponse.objects.values_list("rating", flat=True)) == [5]


def test_missing_rating_is_explained_and_the_comment_kept(client, order):
    response = client.post(_path(order), {"comment": "Late parcel"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert b"Late parcel" in response.content
    assert SurveyResponse.objects.count() == 0


def test_forged_survey_token_is_refused(client, order, make_order, alice):
    other = make_order(alice)
    token = tokens.survey_token_make(order.pk)
    forged = str(other.pk) + token[len(str(order.pk)) :]
    response = client.post(f"/survey/{forged}/", {"rating": "1"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404
    assert SurveyResponse.objects.count() == 0


def test_results_are_in_the_admin(client, order, company):
    client.post(_path(order), {"rating": "3", "comment": "OK"}, HTTP_HOST=ALICE_HOST)
    staff = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(staff)
    response = client.get("/admin/marketing/surveyresponse/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert b"Survey answers: 1, average 3.00 / 5" in response.content
    assert b"Alice&#x27;s Attic" in response.content
