"""Gift cards and store credit (issue 28 item 3): the append-only ledger, never negative,
no over-redemption under concurrent checkouts, the liability report."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from orders.giftcards.models import GiftCard, GiftCardEntry
from orders.giftcards.selectors import giftcard_by_code, giftcard_ledger_balance
from orders.giftcards.services import (
    GiftCardError,
    giftcard_issue,
    giftcard_redeem,
    giftcard_release,
    store_credit_redeem,
)
from tests.conftest import COMPANY_HOST

D = Decimal


@pytest.mark.django_db
def test_a_card_is_issued_with_one_entry_and_both_dates():
    card = giftcard_issue(amount=D("50"), actor="test", recipient_email="gift@example.com")
    assert len(card.code) == 19 and card.code.count("-") == 3
    assert (card.initial_amount, card.balance) == (D("50.00"), D("50.00"))
    assert card.issued_at == card.last_activity_at
    (entry,) = card.entries.all()
    assert (entry.kind, entry.amount, entry.balance_after) == ("issue", D("50.00"), D("50.00"))
    assert giftcard_by_code(code=card.code.lower().replace("-", " ")) == card


@pytest.mark.django_db
def test_redeeming_spends_the_balance_and_refuses_more_than_is_left():
    card = giftcard_issue(amount=D("25.00"), actor="test")
    giftcard_redeem(code=card.code, amount=D("20.00"), actor="checkout")
    with pytest.raises(GiftCardError, match=r"\$5.00 left"):
        giftcard_redeem(code=card.code, amount=D("5.01"), actor="checkout")
    with pytest.raises(GiftCardError, match="not valid"):
        giftcard_redeem(code="NOPE-NOPE-NOPE-NOPE", amount=D("1"), actor="checkout")
    card.refresh_from_db()
    assert card.balance == D("5.00") == giftcard_ledger_balance(card=card)
    assert list(card.entries.values_list("kind", "amount", "balance_after")) == [
        ("issue", D("25.00"), D("25.00")),
        ("redeem", D("-20.00"), D("5.00")),
    ]
    assert card.last_activity_at > card.issued_at


@pytest.mark.django_db
def test_a_release_gives_back_a_redemption_once():
    card = giftcard_issue(amount=D("30.00"), actor="test")
    spent = giftcard_redeem(code=card.code, amount=D("12.50"), actor="checkout")
    giftcard_release(entry_id=spent.pk, actor="cancel")
    with pytest.raises(GiftCardError):
        giftcard_release(entry_id=spent.pk, actor="cancel")
    card.refresh_from_db()
    assert card.balance == D("30.00") == giftcard_ledger_balance(card=card)


@pytest.mark.django_db
def test_store_credit_is_spent_across_cards_oldest_first():
    user = get_user_model().objects.create_user(username="cred", email="cred@example.com")
    first = giftcard_issue(amount=D("10.00"), actor="t", kind="store_credit", owner=user)
    second = giftcard_issue(amount=D("15.00"), actor="t", kind="store_credit", owner=user)
    store_credit_redeem(user=user, amount=D("18.00"), actor="checkout")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.balance, second.balance) == (D("0.00"), D("7.00"))
    with pytest.raises(GiftCardError):
        store_credit_redeem(user=user, amount=D("7.01"), actor="checkout")
    # A store credit has no code to type: giftcard_redeem refuses it.
    with pytest.raises(GiftCardError):
        giftcard_redeem(code=second.code, amount=D("1.00"), actor="checkout")


@pytest.mark.django_db
def test_the_database_refuses_edits_deletes_and_a_negative_balance():
    card = giftcard_issue(amount=D("10.00"), actor="test")
    entry = card.entries.get()
    for statement in (
        lambda: GiftCardEntry.objects.filter(pk=entry.pk).update(amount=D("99.00")),
        lambda: GiftCardEntry.objects.filter(pk=entry.pk).delete(),
        lambda: GiftCard.objects.filter(pk=card.pk).update(balance=D("-1.00")),
        lambda: GiftCardEntry.objects.create(
            card=card, kind="redeem", amount=D("-1.00"), balance_after=D("3.00"), actor="x"
        ),  # balance_after is not the card's balance
    ):
        with (
            pytest.raises((IntegrityError, InternalError, ProgrammingError)),
            transaction.atomic(),
        ):
            statement()
    card.refresh_from_db()
    assert card.balance == D("10.00") and card.entries.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_racing_for_one_card_cannot_over_redeem(transactional_db):
    card = giftcard_issue(amount=D("50.00"), actor="test")
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def checkout(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            giftcard_redeem(code=card.code, amount=D("40.00"), actor=f"checkout {n}")
            with lock:
                results.append("redeemed")
        except GiftCardError:
            with lock:
                results.append("refused")
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=checkout, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results) == ["redeemed", "refused"]
    card.refresh_from_db()
    assert card.balance == D("10.00") == giftcard_ledger_balance(card=card)
    assert card.entries.count() == 2


@pytest.mark.django_db
def test_finance_sees_the_outstanding_balance_and_support_does_not(client):
    user = get_user_model().objects.create_user(username="credit", email="c@example.com")
    card = giftcard_issue(amount=D("50.00"), actor="t")
    giftcard_redeem(code=card.code, amount=D("20.00"), actor="checkout")
    giftcard_issue(amount=D("5.25"), actor="t", kind="store_credit", owner=user)
    finance = get_user_model().objects.create_user(username="fin", password="x", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    support = get_user_model().objects.create_user(username="sup", password="x", is_staff=True)
    support.groups.add(Group.objects.get(name="Support"))
    url = "/admin/giftcards/giftcard/finance-report/"
    client.force_login(support)
    assert client.get(url, HTTP_HOST=COMPANY_HOST).status_code == 403
    client.force_login(finance)
    page = client.get(url, HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    text = page.text
    assert "$30.00" in text and "$5.25" in text
    assert '<td id="liability-total"><strong>$35.25</strong>' in text
    # The admin never shows a full code (a bearer instrument).
    detail = client.get(f"/admin/giftcards/giftcard/{card.pk}/change/", HTTP_HOST=COMPANY_HOST)
    assert detail.status_code == 200 and card.code not in detail.text
    assert card.code[-4:] in detail.text
