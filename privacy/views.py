"""Privacy pages on every host: the policy, analytics opt-out, contact and tickets,
the signed-in person's own data, and breach-notice acknowledgement.

No template here renders {% csrf_token %}: anonymous GET pages set no cookie.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from shopsocial.responses import private_response
from storefront.caching import shared_page

from . import selectors, services
from .forms import (
    AnalyticsChoiceForm,
    ContactForm,
    EraseConfirmForm,
    PersonalDetailsForm,
    TicketReplyForm,
)
from .tracking import OPT_OUT_COOKIE, OPT_OUT_MAX_AGE

# The day our Global Privacy Control support last changed (gpc.json "lastUpdate").
GPC_LAST_UPDATE = "2026-11-25"
_REFERENCE_RE = re.compile(r"^T-[A-Z0-9]{8}$")


def _site(request: HttpRequest):
    return getattr(request, "tenant", None)


# --- Signals and the policy -------------------------------------------------------
@require_safe
def gpc_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse({"gpc": True, "lastUpdate": GPC_LAST_UPDATE})
    patch_cache_control(response, public=True, max_age=86400)
    return response


@require_safe
@shared_page
def policy(request: HttpRequest) -> HttpResponse:
    versions = list(selectors.policy_versions_published())
    return render(
        request,
        "privacy/policy.html",
        {"current": versions[0] if versions else None, "history": versions},
    )


@require_safe
def policy_version(request: HttpRequest, version: str) -> HttpResponse:
    shown = get_object_or_404(selectors.policy_versions_published(), version=version)
    current = selectors.policy_version_current()
    return render(
        request,
        "privacy/policy_version.html",
        {"shown": shown, "is_current": current is not None and current.pk == shown.pk},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def analytics(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = AnalyticsChoiceForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "privacy/analytics.html",
                {"error": "Please choose one of the two buttons."},
                status=400,
            )
        response = HttpResponseRedirect(reverse("privacy:analytics") + "?saved=1", status=303)
        domain = _cookie_domain()
        if form.cleaned_data["choice"] == "opt_out":
            # A strictly necessary cookie: it remembers the "no".
            response.set_cookie(
                OPT_OUT_COOKIE,
                "1",
                max_age=OPT_OUT_MAX_AGE,
                domain=domain,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        else:
            response.delete_cookie(OPT_OUT_COOKIE, domain=domain, samesite="Lax")
        return response
    return render(request, "privacy/analytics.html", {"saved": request.GET.get("saved") == "1"})


def _cookie_domain() -> str | None:
    """Share the opt-out across the company site and every storefront."""
    domain = settings.SHOP_DOMAIN
    if domain == "localhost" or "." not in domain:
        return None
    return f".{domain}"


# --- Contact and tickets ----------------------------------------------------------
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate="5/h", method="POST", block=False)
def contact(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial = {}
        if request.user.is_authenticated:
            initial = {"name": request.user.get_full_name(), "email": request.user.email}
        return render(request, "privacy/contact.html", {"form": ContactForm(initial=initial)})
    form = ContactForm(request.POST)
    if getattr(request, "limited", False):
        form.is_valid()
        return render(
            request,
            "privacy/contact.html",
            {"form": form, "limited": True},
            status=429,
        )
    if not form.is_valid():
        return render(request, "privacy/contact.html", {"form": form}, status=400)
    try:
        ticket = services.ticket_open(
            **form.cleaned_data, user=request.user, opened_on=_site(request)
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "privacy/contact.html", {"form": form}, status=400)
    return HttpResponseRedirect(
        f"{reverse('privacy:contact-sent')}?ref={ticket.reference}", status=303
    )


@require_safe
def contact_sent(request: HttpRequest) -> HttpResponse:
    reference = request.GET.get("ref", "")
    if not _REFERENCE_RE.match(reference):
        reference = ""
    return render(request, "privacy/contact_sent.html", {"reference": reference})


@require_http_methods(["GET", "HEAD", "POST"])
def ticket_detail(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    ticket = selectors.ticket_get_by_secret(reference=reference, token=token)
    if ticket is None:
        raise Http404("No such ticket")
    form = TicketReplyForm()
    status = 200
    if request.method == "POST":
        form = TicketReplyForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.ticket_reply_customer(ticket=ticket, body=form.cleaned_data["body"])
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 409
            else:
                return HttpResponseRedirect(request.path + "?sent=1#latest", status=303)
    context = {
        "ticket": ticket,
        "thread": list(ticket.messages.all()),
        "form": form,
        "sent": request.GET.get("sent") == "1",
    }
    return private_response(render(request, "privacy/ticket.html", context, status=status))


# --- My data ----------------------------------------------------------------------
def _my_data_page(request, *, details_form=None, erase_form=None, status=200, **extra):
    user = request.user
    context = {
        "details_form": details_form
        or PersonalDetailsForm(
            initial={"first_name": user.first_name, "last_name": user.last_name}
        ),
        "erase_form": erase_form or EraseConfirmForm(),
        **extra,
    }
    return private_response(render(request, "privacy/my_data.html", context, status=status))


@login_required
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    return _my_data_page(request, saved=request.GET.get("saved") == "1")


def _add_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_POST
def my_data_details(request: HttpRequest) -> HttpResponse:
    form = PersonalDetailsForm(request.POST)
    if form.is_valid():
        try:
            # A new address takes effect only once verified: /account/email/.
            services.personal_details_update(
                user=request.user, email=request.user.email, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("privacy:my-data") + "?saved=1", status=303)
    return _my_data_page(request, details_form=form, status=400)


@login_required
@require_safe
def my_data_download(request: HttpRequest) -> HttpResponse:
    data = services.personal_data_export(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return private_response(response)


@login_required
@require_POST
def my_data_delete(request: HttpRequest) -> HttpResponse:
    form = EraseConfirmForm(request.POST)
    if not form.is_valid():
        return _my_data_page(request, erase_form=form, status=400)
    try:
        services.personal_data_erase(user=request.user)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _my_data_page(request, erase_form=form, status=409)
    logout(request)
    return render(request, "privacy/erased.html")


# --- Breach notices ---------------------------------------------------------------
@login_required
@require_POST
def breach_notice_acknowledge(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(
        selectors.breach_notices_for_user(user=request.user), pk=notification_id
    )
    services.breach_notice_acknowledge(notification=notification, user=request.user)
    site = _site(request)
    home = reverse("storefront:home" if site and not site.is_company else "company:home")
    next_url = request.POST.get("next", home)
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = home
    return HttpResponseRedirect(next_url, status=303)
