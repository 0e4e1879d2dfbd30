"""Back-office earnings pages: every read goes through selectors with request.retailer."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from retailers.decorators import backoffice_view
from retailers.services import reauth
from shopsocial.csv_safe import csv_writer

from . import connect, form1099, payout_accounts, selectors
from .forms import PayoutAccountForm


@backoffice_view
def earnings_view(request: HttpRequest) -> HttpResponse:
    retailer = request.retailer
    today = timezone.localdate()
    entries = Paginator(selectors.entries_for_retailer(retailer=retailer), 25).get_page(
        request.GET.get("page")
    )
    context = {
        "summary": selectors.earnings_summary(retailer=retailer, today=today),
        "entries": entries,
        "held": selectors.held_payouts_for_retailer(retailer=retailer),
        "months": selectors.statement_months_for_retailer(retailer=retailer)[:24],
        "year": today.year,
        "annual_paid": selectors.annual_paid_for_retailer(retailer=retailer, year=today.year),
        "last_year": today.year - 1,
        "last_year_paid": selectors.annual_paid_for_retailer(
            retailer=retailer, year=today.year - 1
        ),
        "form_1099_years": form1099.form_1099_years_for(retailer=retailer, before=today.year),
    }
    return render(request, "backoffice/earnings.html", context)


@backoffice_view
def statement_view(request: HttpRequest, year: int, month: int) -> HttpResponse:
    statement = selectors.statement_for_retailer(retailer=request.retailer, year=year, month=month)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(["date", "order", "description", "base", "amount", "status"])
        writer.writerow(["", "", "Opening balance", "", f"{statement.opening:.2f}", ""])
        for entry in statement.entries:
            writer.writerow(
                [
                    timezone.localtime(entry.created_at).date().isoformat(),
                    entry.order_label,
                    entry.get_kind_display(),
                    f"{entry.base:.2f}",
                    f"{entry.amount:.2f}",
                    entry.get_status_display(),
                ]
            )
        for payout in statement.payouts:
            writer.writerow(
                [
                    payout.date.isoformat(),
                    f"payout #{payout.batch_id}",
                    f"Paid ({payout.rail})",
                    "",
                    f"{-payout.amount:.2f}",
                    "Paid",
                ]
            )
        writer.writerow(["", "", "Closing balance", "", f"{statement.closing:.2f}", ""])
        response = HttpResponse(out.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="statement-{statement.period}.csv"'
        return response
    return render(request, "backoffice/statement.html", {"statement": statement})


@backoffice_view
def customers_view(request: HttpRequest) -> HttpResponse:
    customers = selectors.protected_customers_for_retailer(retailer=request.retailer)
    return render(request, "backoffice/customers.html", {"customers": customers})


@sensitive_post_parameters("password", "account_number", "routing_number")
@backoffice_view
@require_http_methods(["GET", "POST"])
def payout_account_view(request: HttpRequest) -> HttpResponse:
    """Bank details for payouts: shown masked; a change needs the password."""
    retailer = request.retailer
    form = PayoutAccountForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        gate = {
            "request": request,
            "retailer": retailer,
            "user": request.user,
            "gate": reauth.ReauthGate.PAYOUT_ACCOUNT_CHANGE,
        }
        if form.is_valid():
            try:
                reauth.reauth_gate_check(**gate)
                payout_accounts.payout_account_set(
                    retailer=retailer, actor=request.user, **form.cleaned_data
                )
            except reauth.ReauthLockedOut as exc:
                form.add_error("password", exc.args[0])
                status = 403
            except PermissionDenied:
                reauth.reauth_failure_record(**gate)
                form.add_error("password", "That password is not right.")
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Your payout account is saved.")
                return redirect("retailers:backoffice-payout-account")
    context = {
        "form": form,
        "account": payout_accounts.payout_account_current(retailer=retailer),
        "now": timezone.now(),
        "connect_rail": settings.PAYOUT_RAIL == "stripe",
        "connect_account": selectors.connect_account_for(retailer=retailer),
    }
    return render(request, "earnings/payout_account.html", context, status=status)


# --- Stripe Connect (PAYOUT_RAIL=stripe): onboarding from the back office --------------
@backoffice_view
@require_http_methods(["GET", "POST"])
def connect_start_view(request: HttpRequest) -> HttpResponse:
    """POST: off to the gateway's onboarding page. GET: the gateway's "refresh" link
    (an expired onboarding link) leads back to the payout account page."""
    if request.method != "POST":
        return redirect("retailers:backoffice-payout-account")
    try:
        url = connect.connect_onboarding_link(retailer=request.retailer, actor=request.user)
    except connect.ConnectError as exc:
        messages.error(request, str(exc))
        return redirect("retailers:backoffice-payout-account")
    return redirect(url)


@backoffice_view
def connect_return_view(request: HttpRequest) -> HttpResponse:
    account = connect.connect_account_refresh(retailer=request.retailer)
    if account is not None and account.payouts_enabled:
        messages.success(request, "Stripe payouts are set up: your next payout goes there.")
    else:
        messages.info(request, "Stripe has not finished setting up your payouts yet.")
    return redirect("retailers:backoffice-payout-account")


@backoffice_view
def form_1099_view(request: HttpRequest, year: int) -> HttpResponse:
    """The retailer's own Form 1099-NEC (Copy B) for a past year, as a PDF."""
    recipient = form1099.form_1099_recipient_for(retailer=request.retailer, year=year)
    if recipient is None or year >= timezone.localdate().year:
        raise Http404("No Form 1099-NEC for that year.")
    body = form1099.recipient_copy_pdf(recipient=recipient, year=year)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="1099-nec-{year}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
