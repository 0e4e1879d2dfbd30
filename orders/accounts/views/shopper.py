"""Shopper account pages: sign up, sign in, sign out, orders, password change, email
(change and verification)."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    PasswordChangeView,
)
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST

from privacy.age import UNDER_AGE_MESSAGE

from ...forms import LoginForm, SignupForm
from ...selectors import order_get_for_customer, order_list_for_customer
from ..forms import (
    EmailChangeForm,
    ShopperPasswordChangeForm,
)
from ..selectors import account_email_get, email_verified_for_user
from ..services import (
    account_email_change_request,
    account_email_verification_resend,
    account_email_verify,
    account_password_changed_notify,
    shopper_signup_or_notify,
)
from ..tokens import email_verification_token
from .common import private_response, recovery_limited, site_slug


def _next_url(request: HttpRequest) -> str:
    # Order history lives on the storefronts; the company host has the privacy pages.
    default = reverse("privacy:my-data" if request.tenant.is_company else "orders:account-orders")
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def account_signup(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            if form.is_under_age():
                return render(
                    request, "orders/account/under_age.html", {"message": UNDER_AGE_MESSAGE}
                )
            # The same answer for a new address and one that has an account (issue 30):
            # nobody is signed in here; the link in the email proves the address.
            shopper_signup_or_notify(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
                slug=site_slug(request),
            )
            return private_response(
                render(
                    request,
                    "orders/account/signup_sent.html",
                    {"email": form.cleaned_data["email"], "next": _next_url(request)},
                )
            )
        status = 400
    else:
        form = SignupForm()
    return render(
        request,
        "orders/account/signup.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def account_login(request: HttpRequest) -> HttpResponse:
    error = ""
    status = 200
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            # django-axes counts failed sign-ins (its user_login_failed receiver);
            # too many for this email from this address and we stop checking.
            if not AxesProxyHandler.is_allowed(request, {"username": email}):
                error = "Too many failed sign-ins. Please wait a while and try again."
                status = 429
            else:
                user = authenticate(request, username=email, password=form.cleaned_data["password"])
                if user is not None:
                    login(request, user)
                    return HttpResponseRedirect(_next_url(request), status=303)
                error = "That email and password do not match an account."
                status = 400
        else:
            status = 400
    else:
        form = LoginForm()
    return render(
        request,
        "orders/account/login.html",
        {"form": form, "error": error, "next": _next_url(request)},
        status=status,
    )


@require_POST
def account_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    home = "company:home" if request.tenant.is_company else "storefront:home"
    return HttpResponseRedirect(reverse(home), status=303)


@login_required
def account_order_list(request: HttpRequest) -> HttpResponse:
    orders = order_list_for_customer(user=request.user)
    return render(request, "orders/account/order_list.html", {"orders": orders})


@login_required
def account_order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = order_get_for_customer(user=request.user, number=number)
    if order is None:
        raise Http404("No such order.")
    return render(request, "orders/account/order_detail.html", {"order": order})


# --- Shopper: password change, email ----------------------------------------------------
@method_decorator(login_required, name="dispatch")
class ShopperPasswordChangeView(PasswordChangeView):
    form_class = ShopperPasswordChangeForm
    template_name = "orders/account/password_change.html"
    success_url = reverse_lazy("orders:account-password")

    def get_success_url(self) -> str:
        return f"{self.success_url}?changed=1"

    def form_valid(self, form):
        response = super().form_valid(form)
        account_password_changed_notify(user=form.user)
        return response

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changed"] = self.request.GET.get("changed") == "1"
        return context

    def render_to_response(self, context, **kwargs):
        return private_response(super().render_to_response(context, **kwargs))


def _email_page(request, *, form=None, status=200, **extra) -> HttpResponse:
    record = account_email_get(user=request.user)
    context = {
        "form": form or EmailChangeForm(user=request.user, request=request),
        "verified": bool(email_verified_for_user(user=request.user)),
        "pending_email": record.pending_email if record else "",
        **extra,
    }
    return private_response(render(request, "orders/account/email.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_email(request: HttpRequest) -> HttpResponse:
    """See the address and whether it is proved; ask to change it (takes effect once the
    new address's link is used)."""
    if request.method != "POST":
        return _email_page(request, sent=request.GET.get("sent", ""))
    form = EmailChangeForm(request.POST, user=request.user, request=request)
    if recovery_limited(request, group="account-email", value=request.user.get_username()):
        form.is_valid()
        return _email_page(request, form=form, status=429, limited=True)
    if not form.is_valid():
        return _email_page(request, form=form, status=400)
    try:
        account_email_change_request(
            user=request.user, new_email=form.cleaned_data["email"], slug=site_slug(request)
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("email", message)
        return _email_page(request, form=form, status=400)
    return HttpResponseRedirect(reverse("orders:account-email") + "?sent=change", status=303)


@login_required
@require_POST
def account_email_resend(request: HttpRequest) -> HttpResponse:
    if recovery_limited(request, group="account-email", value=request.user.get_username()):
        return _email_page(request, status=429, limited=True)
    account_email_verification_resend(user=request.user, slug=site_slug(request))
    return HttpResponseRedirect(reverse("orders:account-email") + "?sent=verify", status=303)


@require_http_methods(["GET", "HEAD", "POST"])
def account_email_verify_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button (link scanners must not verify); the POST proves the address."""
    user = _user_from_uid(uidb64)
    valid = user is not None and email_verification_token.check_token(user, token)
    if not valid:
        return private_response(
            render(request, "orders/account/email_verify.html", {"validlink": False}, status=400)
        )
    if request.method != "POST":
        record = account_email_get(user=user)
        return private_response(
            render(
                request,
                "orders/account/email_verify.html",
                {"validlink": True, "pending_email": record.pending_email if record else ""},
            )
        )
    try:
        result = account_email_verify(user=user, slug=site_slug(request))
    except ValidationError as exc:
        return private_response(
            render(
                request,
                "orders/account/email_verify.html",
                {"validlink": False, "error": " ".join(exc.messages)},
                status=409,
            )
        )
    return private_response(
        render(request, "orders/account/email_verified.html", {"result": result})
    )


def _user_from_uid(uidb64: str):
    try:
        user_id = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()
