"""Post-purchase survey: one answer per order, anonymous unless the shopper allows contact."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..models import SurveyResponse


class SurveyAlreadyAnswered(Exception):
    pass


def survey_order_digest(order_id: int) -> str:
    """A keyed one-way digest: one answer per order without storing which order."""
    return salted_hmac("marketing.survey.order", str(order_id), algorithm="sha256").hexdigest()


def survey_response_submit(
    *, order, rating: int, comment: str, may_contact: bool
) -> SurveyResponse:
    response = SurveyResponse(
        order_digest=survey_order_digest(order.pk),
        order=order if may_contact else None,
        retailer=order.retailer,
        rating=rating,
        comment=comment.strip(),
        may_contact=may_contact,
        answered_on=timezone.localdate(),
    )
    if SurveyResponse.objects.filter(order_digest=response.order_digest).exists():
        raise SurveyAlreadyAnswered
    response.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as exc:  # a concurrent answer for the same order won the race
        raise SurveyAlreadyAnswered from exc
    return response
