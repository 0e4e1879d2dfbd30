"""Back-office earnings pages: every read goes through selectors with request.retailer."""

from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from retailers.views.auth import backoffice_view

from . import selectors


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
    }
    return render(request, "backoffice/earnings.html", context)


@backoffice_view
def statement_view(request: HttpRequest, year: int, month: int) -> HttpResponse:
    statement = selectors.statement_for_retailer(retailer=request.retailer, year=year, month=month)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["date", "order", "description", "base", "amount", "status"])
        writer.writerow(["", "", "Opening balance", "", f"{statement.opening:.2f}", ""])
        for entry in statement.entries:
            writer.writerow(
                [
                    timezone.localtime(entry.created_at).date().isoformat(),
                    entry.order.number,
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
