"""Back-office "My team": every read goes through the team selectors with request.retailer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from retailers.decorators import backoffice_view

from . import selectors, services


def _int_param(request: HttpRequest, name: str, *, default: int | None, top: int) -> int | None:
    raw = request.GET.get(name, "")
    if not raw.isdigit():
        return default
    return min(max(int(raw), 1), top)


@backoffice_view
def team_view(request: HttpRequest) -> HttpResponse:
    services.team_member_ensure(retailer=request.retailer)
    overview = selectors.team_overview_for_retailer(
        retailer=request.retailer,
        page=_int_param(request, "page", default=1, top=100_000),
        level=_int_param(request, "level", default=None, top=100),
    )
    return render(request, "team/my_team.html", {"team": overview, "levels": range(1, 6)})
