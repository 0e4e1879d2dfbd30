"""Shopper account pages on the storefront: sign up, sign in, sign out, orders."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from privacy.age import UNDER_AGE_MESSAGE

from .forms import LoginForm, SignupForm
from .selectors import order_get_for_customer, order_list_for_customer
from .services.accounts import shopper_account_create


def _storefront_only(request: HttpRequest) -> None:
    if request.tenant.is_company:
        raise Http404("Shopper accounts live on the storefronts.")


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
            user = shopper_account_create(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(_next_url(request), status=303)
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
    _storefront_only(request)
    orders = order_list_for_customer(user=request.user)
    return render(request, "orders/account/order_list.html", {"orders": orders})


@login_required
def account_order_detail(request: HttpRequest, number: str) -> HttpResponse:
    _storefront_only(request)
    order = order_get_for_customer(user=request.user, number=number)
    if order is None:
        raise Http404("No such order.")
    return render(request, "orders/account/order_detail.html", {"order": order})
