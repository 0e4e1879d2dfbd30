"""Back-office sign-in (Retailer ID + username + password, then a TOTP code if enrolled),
sign-out, idle timeout, and the guard every back-office view goes through."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from ..decorators import (
    DASHBOARD_URL,
    SESSION_RETAILER,
    SESSION_SEEN,
    SIGNIN_URL,
    backoffice_retailer,
    no_store,
)
from ..forms import OtpForm, SignInForm
from ..models import Retailer

SESSION_PENDING = "backoffice_pending"
PENDING_MAX_AGE = 5 * 60
OTP_MAX_TRIES = 5
BACKEND = "retailers.backends.RetailerBackend"

User = get_user_model()


def _safe_next(request: HttpRequest) -> str:
    dashboard = reverse(DASHBOARD_URL)
    target = request.POST.get("next") or request.GET.get("next") or dashboard
    if not target.startswith(dashboard) or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return dashboard
    return target


def _complete_sign_in(request: HttpRequest, user, retailer: Retailer) -> HttpResponse:
    next_url = _safe_next(request)
    login(request, user, backend=BACKEND)
    request.session[SESSION_RETAILER] = retailer.pk
    request.session[SESSION_SEEN] = int(time.time())
    return redirect(next_url)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in_view(request: HttpRequest) -> HttpResponse:
    if backoffice_retailer(request) is not None:
        return redirect(DASHBOARD_URL)
    form = SignInForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            user = authenticate(
                request,
                retailer_number=data["retailer_number"],
                retailer_username=data["username"],
                password=data["password"],
            )
            if getattr(request, "axes_locked_out", False):
                form.add_error(
                    None,
                    "Too many failed sign-in attempts. For your security, sign-in is paused "
                    "for 30 minutes. Call us if you need help sooner.",
                )
                status = 429
            elif getattr(request, "retailer_suspended", False):
                form.add_error(
                    None,
                    "This retailer account is suspended, so the back office is closed. "
                    "Please contact us.",
                )
                status = 403
            elif user is None:
                form.add_error(None, "The Retailer ID, username or password is not right.")
            else:
                retailer = Retailer.objects.get(user=user)
                if _has_totp(user):
                    request.session[SESSION_PENDING] = {
                        "user": user.pk,
                        "at": int(time.time()),
                        "tries": 0,
                        "next": _safe_next(request),
                    }
                    return redirect("retailers:backoffice-signin-code")
                return _complete_sign_in(request, user, retailer)
    context = {"form": form, "next": _safe_next(request)}
    return no_store(render(request, "backoffice/signin.html", context, status=status))


def _has_totp(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@require_http_methods(["GET", "POST"])
def sign_in_code_view(request: HttpRequest) -> HttpResponse:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    pending = request.session.get(SESSION_PENDING)
    if not pending or int(time.time()) - pending["at"] > PENDING_MAX_AGE:
        request.session.pop(SESSION_PENDING, None)
        messages.error(request, "Please sign in again.")
        return redirect(SIGNIN_URL)
    form = OtpForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            device = TOTPDevice.objects.filter(user_id=pending["user"], confirmed=True).first()
            retailer = Retailer.objects.filter(user_id=pending["user"]).first()
            if device and retailer and device.verify_token(form.cleaned_data["otp_token"]):
                del request.session[SESSION_PENDING]
                if not retailer.is_active:
                    messages.error(request, "This retailer account is suspended.")
                    return redirect(SIGNIN_URL)
                request.POST = request.POST.copy()
                request.POST["next"] = pending.get("next", reverse(DASHBOARD_URL))
                return _complete_sign_in(request, device.user, retailer)
            pending["tries"] += 1
            if pending["tries"] >= OTP_MAX_TRIES:
                del request.session[SESSION_PENDING]
                messages.error(request, "Too many wrong codes. Please sign in again.")
                return redirect(SIGNIN_URL)
            request.session[SESSION_PENDING] = pending
            form.add_error(
                "otp_token", "That code is not right. Enter the code your app shows now."
            )
    return no_store(render(request, "backoffice/signin_code.html", {"form": form}, status=status))


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You are signed out.")
    return redirect(SIGNIN_URL)
