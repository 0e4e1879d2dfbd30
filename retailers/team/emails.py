"""Team email: "you advanced to <rank>" after a month close (one per retailer and month)."""

from __future__ import annotations

from datetime import date

from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse

from ..models import Retailer


def rank_advanced_email_enqueue(*, retailer: Retailer, month: date, rank_name: str):
    return email_enqueue(
        kind="transactional",
        to=retailer.email,
        template="team_rank_advanced",
        context={
            "display_name": retailer.display_name,
            "rank_name": rank_name,
            "month": month.strftime("%B %Y"),
            "team_url": company_reverse("retailers:backoffice-team"),
        },
        dedupe_key=f"team-rank-{retailer.pk}-{month:%Y-%m}",
    )
