"""Shopper account pages (sign up, sign in, sign out, orders, password, email) and the
recovery pages of every kind of account: shopper, retailer (back office) and staff."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from privacy.age import UNDER_AGE_MESSAGE
from shopsocial.mail.addresses import email_normalise

from ..forms import LoginForm, SignupForm
from ..selectors import order_get_for_customer, order_list_for_customer
from .carriers import tracking_url
from .forms import (
    EmailChangeForm,
    NewPasswordForm,
    RetailerIdReminderForm,
    RetailerPasswordResetForm,
    ShopperPasswordChangeForm,
    ShopperPasswordResetForm,
    StaffPasswordResetForm,
)
from .selectors import account_email_get, email_verified_for_user, order_for_status_token
from .services import (
    account_email_change_request,
    account_email_proved_by_reset,
    account_email_verification_resend,
    account_email_verify,
    account_password_changed_notify,
    shopper_signup,
)
from .tokens import email_verification_token


def site_slug(request: HttpRequest) -> str:
    """The storefront the person is on ("" on the company site): links go back there."""
    return "" if request.tenant.is_company else request.tenant.slug


def _storefront_only(request: HttpRequest) -> None:
    if request.tenant.is_company:
        raise Http404("Shopper accounts live on the storefronts.")


def _next_url(request: HttpRequest) -> str:
    # Order history lives on the storefronts; the company host has the privacy pages.
    default = "/privacy/my-data/" if request.tenant.is_company else "/account/orders/"
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
            user = shopper_signup(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
                slug=site_slug(request),
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
    return HttpResponseRedirect("/", status=303)


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


# --- Shared: private pages, rate limits ------------------------------------------------
def _private(response: HttpResponse) -> HttpResponse:
    """Pages reached through a secret link or about one person: never cached, no Referer."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _reset_minutes() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 60


def _limited(request: HttpRequest, *, group: str, value: str = "") -> bool:
    """Count this POST per client address and per typed address/identifier."""
    rate = settings.ACCOUNT_RECOVERY_RATE
    by_ip = is_ratelimited(
        request, group=f"{group}:ip", key="ip", rate=rate, method="POST", increment=True
    )
    by_value = bool(value) and is_ratelimited(
        request,
        group=f"{group}:value",
        key=lambda _group, _request: email_normalise(value),
        rate=rate,
        method="POST",
        increment=True,
    )
    return by_ip or by_value


class _RecoveryRequestView(PasswordResetView):
    """Django's PasswordResetView: the form's save() asks a service, which sends nothing
    when no account matches, so the answer never says whether one exists. Rate-limited."""

    group = ""
    limited_template = ""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        value = request.POST.get(getattr(form, "limit_key", ""), "")
        if _limited(request, group=self.group, value=value):
            form.is_valid()
            return self.render_to_response(
                self.get_context_data(form=form, limited=True), status=429
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_minutes": _reset_minutes()}


class _ResetConfirmView(PasswordResetConfirmView):
    """Django's confirm view (token checked, moved to the session, single use); an expired
    or used link gets a page saying so, with the way to ask for a new one."""

    form_class = NewPasswordForm
    audience = ""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not self.allowed(user):
            return None
        return user

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def form_valid(self, form):
        response = super().form_valid(form)
        # The mailbox owner chose a new password: failed sign-ins with the old one no longer
        # lock them out (django-axes counts per username + address).
        axes_reset(username=form.user.get_username())
        account_password_changed_notify(user=form.user, to=self.notice_address(form.user))
        return response

    def notice_address(self, user) -> str:
        return user.email

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_minutes": _reset_minutes()}

    def render_to_response(self, context, **kwargs):
        return _private(super().render_to_response(context, **kwargs))


# --- Shopper: password reset (storefront and company site) ----------------------------
class ShopperPasswordResetView(_RecoveryRequestView):
    form_class = ShopperPasswordResetForm
    template_name = "orders/account/password_reset.html"
    success_url = "/account/password/reset/sent/"
    group = "account-password-reset"


class ShopperPasswordResetConfirmView(_ResetConfirmView):
    template_name = "orders/account/password_reset_confirm.html"
    success_url = "/account/password/reset/complete/"

    def allowed(self, user) -> bool:
        return not user.is_staff and getattr(user, "retailer", None) is None

    def form_valid(self, form):
        response = super().form_valid(form)
        # The link went to the account's address: that proves it (and joins guest orders).
        account_email_proved_by_reset(user=form.user, slug=site_slug(self.request))
        return response


@require_safe
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "orders/account/password_reset_sent.html", {"reset_minutes": _reset_minutes()}
    )


@require_safe
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/account/password_reset_complete.html")


# --- Shopper: password change, email ----------------------------------------------------
@method_decorator(login_required, name="dispatch")
class ShopperPasswordChangeView(PasswordChangeView):
    form_class = ShopperPasswordChangeForm
    template_name = "orders/account/password_change.html"
    success_url = "/account/password/?changed=1"

    def form_valid(self, form):
        response = super().form_valid(form)
        account_password_changed_notify(user=form.user)
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changed"] = self.request.GET.get("changed") == "1"
        return context

    def render_to_response(self, context, **kwargs):
        return _private(super().render_to_response(context, **kwargs))


def _email_page(request, *, form=None, status=200, **extra) -> HttpResponse:
    record = account_email_get(user=request.user)
    context = {
        "form": form or EmailChangeForm(user=request.user),
        "verified": bool(email_verified_for_user(user=request.user)),
        "pending_email": record.pending_email if record else "",
        **extra,
    }
    return _private(render(request, "orders/account/email.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_email(request: HttpRequest) -> HttpResponse:
    """See the address and whether it is proved; ask to change it (takes effect once the
    new address's link is used)."""
    if request.method != "POST":
        return _email_page(request, sent=request.GET.get("sent", ""))
    form = EmailChangeForm(request.POST, user=request.user)
    if _limited(request, group="account-email", value=request.user.get_username()):
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
    return HttpResponseRedirect("/account/email/?sent=change", status=303)


@login_required
@require_POST
def account_email_resend(request: HttpRequest) -> HttpResponse:
    if _limited(request, group="account-email", value=request.user.get_username()):
        return _email_page(request, status=429, limited=True)
    account_email_verification_resend(user=request.user, slug=site_slug(request))
    return HttpResponseRedirect("/account/email/?sent=verify", status=303)


@require_http_methods(["GET", "HEAD", "POST"])
def account_email_verify_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button (link scanners must not verify); the POST proves the address."""
    user = _user_from_uid(uidb64)
    valid = user is not None and email_verification_token.check_token(user, token)
    if not valid:
        return _private(
            render(request, "orders/account/email_verify.html", {"validlink": False}, status=400)
        )
    if request.method != "POST":
        record = account_email_get(user=user)
        return _private(
            render(
                request,
                "orders/account/email_verify.html",
                {"validlink": True, "pending_email": record.pending_email if record else ""},
            )
        )
    try:
        result = account_email_verify(user=user, slug=site_slug(request))
    except ValidationError as exc:
        return _private(
            render(
                request,
                "orders/account/email_verify.html",
                {"validlink": False, "error": " ".join(exc.messages)},
                status=409,
            )
        )
    return _private(render(request, "orders/account/email_verified.html", {"result": result}))


def _user_from_uid(uidb64: str):
    try:
        user_id = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


# --- Order status: a signed link, no account needed --------------------------------------
@require_safe
def order_status(request: HttpRequest, token: str) -> HttpResponse:
    order = None
    if not request.tenant.is_company:
        order = order_for_status_token(token=token, retailer=request.tenant)
    if order is None:
        return _private(render(request, "orders/order_status_invalid.html", status=404))
    context = {
        "order": order,
        "tracking_url": tracking_url(carrier=order.carrier, tracking_number=order.tracking_number),
    }
    return _private(render(request, "orders/order_status.html", context))


# --- Retailers: password reset and "forgot my Retailer ID" (back office) ----------------
class RetailerPasswordResetView(_RecoveryRequestView):
    form_class = RetailerPasswordResetForm
    template_name = "backoffice/password_reset.html"
    success_url = "/backoffice/password-reset/sent/"
    group = "backoffice-password-reset"


class RetailerIdReminderView(_RecoveryRequestView):
    form_class = RetailerIdReminderForm
    template_name = "backoffice/forgot_id.html"
    success_url = "/backoffice/forgot-id/sent/"
    group = "backoffice-forgot-id"


class RetailerPasswordResetConfirmView(_ResetConfirmView):
    template_name = "backoffice/password_reset_confirm.html"
    success_url = "/backoffice/password-reset/complete/"

    def allowed(self, user) -> bool:
        retailer = getattr(user, "retailer", None)
        return retailer is not None and not retailer.is_company

    def notice_address(self, user) -> str:
        return user.retailer.email or user.email


@require_safe
def retailer_password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "backoffice/password_reset_sent.html", {"reset_minutes": _reset_minutes()}
    )


@require_safe
def retailer_password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/password_reset_complete.html")


@require_safe
def retailer_id_reminder_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/forgot_id_sent.html")


# --- Staff: the admin's "Forgotten your password?" -----------------------------------------
def _admin_context() -> dict:
    from django.contrib import admin

    return {"site_header": admin.site.site_header, "site_title": admin.site.site_title}


class StaffPasswordResetView(_RecoveryRequestView):
    form_class = StaffPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = "/admin/password_reset/done/"
    group = "admin-password-reset"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_admin_context()}


class StaffPasswordResetConfirmView(_ResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = "/admin/reset/done/"

    def allowed(self, user) -> bool:
        return user.is_staff

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_admin_context()}


class StaffPasswordResetDoneView(PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_admin_context()}


class StaffPasswordResetCompleteView(PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["login_url"] = "/admin/login/"
        return {**context, **_admin_context()}
