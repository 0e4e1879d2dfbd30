"""Newsletter sign-up, confirmation, unsubscribe, preferences and the survey.

Served on the company site and every storefront. No page here sets a cookie: no
session, no messages, no {% csrf_token %} (POSTs are checked by Origin /
Sec-Fetch-Site; the one-click unsubscribe is exempt, its signed token is the proof).
"""

from __future__ import annotations

from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from privacy.age import UNDER_AGE_MESSAGE

from . import selectors, services, tokens
from .forms import NewsletterSignupForm, SurveyForm

SIGNUP_RATE_PER_CLIENT = "10/h"
SIGNUP_RATE_PER_ADDRESS = "3/h"


def _signup_address(group: str, request: HttpRequest) -> str:
    return selectors.email_normalise(request.POST.get("email", ""))


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "marketing/link_invalid.html", status=404)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=SIGNUP_RATE_PER_CLIENT, method="POST", block=False)
@ratelimit(key=_signup_address, rate=SIGNUP_RATE_PER_ADDRESS, method="POST", block=False)
def newsletter_signup(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "marketing/signup.html", {"newsletter_form": NewsletterSignupForm()})
    form = NewsletterSignupForm(request.POST)
    if getattr(request, "limited", False):
        return render(
            request,
            "marketing/signup.html",
            {"newsletter_form": form, "limited": True},
            status=429,
        )
    if not form.is_valid():
        return render(request, "marketing/signup.html", {"newsletter_form": form}, status=400)
    if form.is_under_age():
        # COPPA: nothing stored, nothing sent.
        return render(request, "marketing/signup_under_age.html", {"message": UNDER_AGE_MESSAGE})
    services.subscription_request(
        email=form.cleaned_data["email"],
        retailer=request.tenant,
        host=request.get_host(),
        path=request.path,
    )
    # The same answer whether or not the address was already on the list.
    return render(request, "marketing/signup_done.html")


@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners must not confirm); POST confirms."""
    subscription = selectors.subscription_from_confirm_token(token=token)
    if subscription is None:
        return _invalid_link(request)
    if request.method == "POST":
        services.subscription_confirm(
            subscription=subscription, host=request.get_host(), path=request.path
        )
        return render(request, "marketing/confirm.html", {"confirmed": True})
    return render(request, "marketing/confirm.html", {"confirmed": False})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button; never unsubscribes. POST (the button, or RFC 8058
    one-click with `List-Unsubscribe=One-Click`): unsubscribes at once, answers 200."""
    subscriber = selectors.subscriber_from_unsubscribe_token(token=token)
    if subscriber is None and tokens.unsubscribe_token_read(token) is None:
        return _invalid_link(request)
    if request.method != "POST":
        return render(
            request, "marketing/unsubscribe.html", {"done": False, "known": subscriber is not None}
        )
    if subscriber is not None:
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        services.subscriber_unsubscribe(
            subscriber=subscriber,
            source="one-click" if one_click else "unsubscribe page",
            host=request.get_host(),
            path=request.path,
        )
    return render(
        request, "marketing/unsubscribe.html", {"done": True, "known": subscriber is not None}
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = selectors.subscriber_from_unsubscribe_token(token=token)
    if subscriber is None:
        return _invalid_link(request)
    done = False
    if request.method == "POST" and request.POST.get("action") == "unsubscribe_all":
        services.subscriber_unsubscribe(
            subscriber=subscriber,
            source="preferences page",
            host=request.get_host(),
            path=request.path,
        )
        subscriber.refresh_from_db()
        done = True
    return render(
        request,
        "marketing/preferences.html",
        {
            "subscriber": subscriber,
            "subscriptions": selectors.subscriptions_for_subscriber(subscriber=subscriber),
            "suppressed": selectors.email_is_suppressed(subscriber.email),
            "done": done,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    order = selectors.order_from_survey_token(token=token)
    if order is None:
        return _invalid_link(request)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_response_submit(order=order, **form.cleaned_data)
        except services.SurveyAlreadyAnswered:
            return render(request, "marketing/survey_done.html", {"already": True})
        return render(request, "marketing/survey_done.html", {"already": False})
    status = 400 if request.method == "POST" else 200
    return render(request, "marketing/survey.html", {"form": form}, status=status)


_postmark_tracking = PostmarkTrackingWebhookView.as_view()


@csrf_exempt
def postmark_tracking_webhook(request: HttpRequest) -> HttpResponse:
    """anymail's Postmark tracking webhook (its view: basic auth, parsing, the `tracking`
    signal), refused outright while ANYMAIL_WEBHOOK_SECRET is unset: anymail itself would
    only warn and accept unauthenticated posts, letting anyone suppress an address."""
    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        return HttpResponseForbidden("Webhook not configured.")
    return _postmark_tracking(request)
