"""The offline gateway's hosted payment page, on the company host.

It stands where Stripe's page stands: not part of our order views, it knows only
its own session, and it talks to our order code through signed webhook events.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from . import offline_gateway_in_use
from .offline import (
    offline_connect_account_for_page,
    offline_connect_onboarding_complete,
    offline_session_for_page,
    offline_session_settle,
)
from .offline_store import OfflineCheckoutSession


def _offline_only() -> None:
    # Not mounted at all under Stripe (urls_public); refuse too if settings changed since.
    if not offline_gateway_in_use():
        raise Http404("No such page.")


def _money(minor: int) -> str:
    return f"{minor / 100:.2f}"


def offline_pay_page(request: HttpRequest, session_id: str) -> HttpResponse:
    _offline_only()
    session = offline_session_for_page(session_id=session_id)
    if session is None:
        raise Http404("No such payment session.")
    lines = [
        {**item, "line_total": _money(item["unit_amount"] * item["quantity"])}
        for item in session.line_items
        if item.get("kind", "item") == "item"
    ]
    # Discount, shipping and tax, each on its own row (as Stripe's page shows them).
    extras = [
        {**item, "amount": _money(item["unit_amount"])}
        for item in session.line_items
        if item.get("kind", "item") != "item"
    ]
    return render(
        request,
        "orders/offline_gateway/pay.html",
        {
            "session": session,
            "lines": lines,
            "extras": extras,
            "amount_total": _money(session.amount_total),
            "is_open": session.status == OfflineCheckoutSession.Status.OPEN,
        },
    )


@require_POST
def offline_pay_submit(request: HttpRequest, session_id: str) -> HttpResponse:
    _offline_only()
    decision = request.POST.get("decision")
    if decision not in ("pay", "decline"):
        raise Http404("Unknown decision.")
    session = offline_session_settle(session_id=session_id, pay=decision == "pay")
    if session is None:
        raise Http404("No such payment session.")
    target = (
        session.success_url
        if session.status == OfflineCheckoutSession.Status.COMPLETE
        else session.cancel_url
    )
    return HttpResponseRedirect(target, status=303)


# --- Connect payouts (issue 26): the local stand-in for Stripe's onboarding page -------
def offline_connect_page(request: HttpRequest, account_id: str) -> HttpResponse:
    _offline_only()
    account = offline_connect_account_for_page(account_id=account_id)
    if account is None:
        raise Http404("No such account.")
    return render(request, "orders/offline_gateway/connect.html", {"account": account})


@require_POST
def offline_connect_submit(request: HttpRequest, account_id: str) -> HttpResponse:
    _offline_only()
    account = offline_connect_onboarding_complete(account_id=account_id)
    if account is None:
        raise Http404("No such account.")
    if not account.return_url:
        raise Http404("No onboarding link for this account.")
    return HttpResponseRedirect(account.return_url, status=303)
