"""Back-office pages. Every view is wrapped by `backoffice_view` and reads through
selectors scoped to `request.retailer`."""

from __future__ import annotations

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from orders import sales
from storefront.content.selectors import featured_product_ids, storefront_profile_get
from storefront.content.services import storefront_update
from storefront.selectors import catalog_products_active

from .. import selectors, services
from ..charts import sales_chart
from ..decorators import backoffice_view
from ..forms import (
    ContactForm,
    GatedPasswordChangeForm,
    OrderFilterForm,
    PasswordConfirmForm,
    StorefrontForm,
)
from ..models import Retailer


def _gate(request: HttpRequest, gate: services.ReauthGate) -> dict:
    """The arguments of the re-authentication gate services for this request."""
    return {"request": request, "retailer": request.retailer, "user": request.user, "gate": gate}


@backoffice_view
def dashboard_view(request: HttpRequest) -> HttpResponse:
    retailer = request.retailer
    points = sales.sales_per_day(retailer=retailer)
    context = {
        "month": sales.sales_this_month(retailer=retailer),
        "last30": sales.sales_last_days(retailer=retailer, days=30),
        "chart": sales_chart(points),
        "latest": sales.orders_latest(retailer=retailer),
    }
    return render(request, "backoffice/dashboard.html", context)


@backoffice_view
def order_list_view(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    orders = sales.order_list_for_retailer(
        retailer=request.retailer,
        status=filters.get("status", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        number=filters.get("number", ""),
    )
    page = Paginator(orders, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "backoffice/orders.html", context)


@backoffice_view
def order_detail_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = sales.order_get_for_retailer(retailer=request.retailer, order_id=order_id)
    return render(request, "backoffice/order_detail.html", {"order": order})


def _contact_page(request, *, form=None, reveal_form=None, revealed="", status=200):
    retailer = request.retailer
    if form is None:
        initial = {name: getattr(retailer, name) for name in Retailer.CONTACT_FIELDS}
        form = ContactForm(initial=initial)
    context = {
        "form": form,
        "reveal_form": reveal_form or PasswordConfirmForm(),
        "revealed": revealed,
        "audit_events": selectors.audit_events_for_retailer(retailer=retailer),
    }
    return render(request, "backoffice/contact.html", context, status=status)


@backoffice_view
@require_http_methods(["GET", "POST"])
def contact_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _contact_page(request)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.retailer_contact_update(
                retailer=request.retailer,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in Retailer.CONTACT_FIELDS},
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, "Your contact information is saved.")
            if form.cleaned_data["email"].lower() != (request.retailer.email or "").lower():
                messages.info(
                    request,
                    "We sent a link to the new email address: your email changes when you "
                    "use it, signed in here. Your current address was told.",
                )
            return redirect("retailers:backoffice-contact")
    return _contact_page(request, form=form, status=400)


@sensitive_post_parameters("password")
@backoffice_view
@require_POST
def tax_id_reveal_view(request: HttpRequest) -> HttpResponse:
    reveal_form = PasswordConfirmForm(request.POST)
    gate = _gate(request, services.ReauthGate.TAX_ID_REVEAL)
    if reveal_form.is_valid():
        try:
            services.reauth_gate_check(**gate)
            revealed = services.retailer_tax_id_reveal(
                retailer=request.retailer,
                actor=request.user,
                password=reveal_form.cleaned_data["password"],
            )
        except services.ReauthLockedOut as exc:
            reveal_form.add_error("password", exc.args[0])
        except PermissionDenied:
            services.reauth_failure_record(**gate)
            reveal_form.add_error("password", "That password is not right.")
        else:
            return _contact_page(request, revealed=revealed)
    return _contact_page(request, reveal_form=reveal_form, status=403)


@backoffice_view
@require_http_methods(["GET", "POST"])
def storefront_view(request: HttpRequest) -> HttpResponse:
    retailer = request.retailer
    products = list(catalog_products_active())
    profile = storefront_profile_get(retailer=retailer)
    featured = featured_product_ids(retailer=retailer)
    status = 200
    if request.method == "POST":
        form = StorefrontForm(request.POST, request.FILES, products=products)
        if form.is_valid():
            data = form.cleaned_data
            try:
                storefront_update(
                    retailer=retailer,
                    actor=request.user,
                    display_name=data["display_name"],
                    about=data["about"],
                    photo=data["photo"] or None,
                    photo_alt=data["photo_alt"],
                    remove_photo=data["remove_photo"],
                    featured_product_ids=data["featured"],
                )
            except ValidationError as exc:
                for error in exc.messages:
                    form.add_error(None, error)
            else:
                messages.success(request, "Your storefront is updated.")
                return redirect("retailers:backoffice-storefront")
        status = 400
    else:
        form = StorefrontForm(
            products=products,
            initial={
                "display_name": retailer.display_name,
                "about": profile.about if profile else "",
                "photo_alt": profile.photo_alt if profile else "",
                "featured": featured,
            },
        )
    context = {"form": form, "profile": profile, "storefront_url": retailer.storefront_url()}
    return render(request, "backoffice/storefront.html", context, status=status)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@backoffice_view
@require_http_methods(["GET", "POST"])
def password_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = PasswordChangeForm(request.user)
        return render(request, "backoffice/password.html", {"form": form})
    gate = _gate(request, services.ReauthGate.PASSWORD_CHANGE)
    try:
        services.reauth_gate_check(**gate)
    except services.ReauthLockedOut as exc:
        form = GatedPasswordChangeForm(request.user, request.POST, locked_out=exc.args[0])
        form.is_valid()  # shows the lockout on the field; the old password is not checked
        return render(request, "backoffice/password.html", {"form": form}, status=403)
    form = GatedPasswordChangeForm(request.user, request.POST)
    if form.is_valid():
        user = services.retailer_password_change(
            retailer=request.retailer,
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(request, user)
        messages.success(request, "Your password is changed.")
        return redirect("retailers:backoffice-dashboard")
    if form.has_error("old_password", "password_incorrect"):
        services.reauth_failure_record(**gate)
    return render(request, "backoffice/password.html", {"form": form}, status=400)


@sensitive_post_parameters("password", "otp_token")
@backoffice_view
@require_http_methods(["GET", "POST"])
def security_view(request: HttpRequest) -> HttpResponse:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, retailer = request.user, request.retailer
    status = 200
    code_error = password_error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            services.totp_device_start(user=user)
            return redirect("retailers:backoffice-security")
        if action == "confirm":
            try:
                services.totp_device_confirm(
                    retailer=retailer, user=user, token=request.POST.get("otp_token", "").strip()
                )
            except ValidationError as exc:
                code_error, status = exc.messages[0], 400
            else:
                messages.success(request, "Two-step sign-in is on.")
                return redirect("retailers:backoffice-security")
        elif action == "disable":
            gate = _gate(request, services.ReauthGate.TWO_FACTOR_DISABLE)
            try:
                services.reauth_gate_check(**gate)
                services.totp_device_remove(
                    retailer=retailer, user=user, password=request.POST.get("password", "")
                )
            except services.ReauthLockedOut as exc:
                password_error, status = exc.args[0], 403
            except PermissionDenied:
                services.reauth_failure_record(**gate)
                password_error, status = "That password is not right.", 403
            else:
                messages.success(request, "Two-step sign-in is off.")
                return redirect("retailers:backoffice-security")
        else:
            status = 400
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    context = {
        "enabled": confirmed,
        "pending": pending,
        "secret": b32encode(pending.bin_key).decode() if pending else "",
        "otpauth_uri": pending.config_url if pending else "",
        "code_error": code_error,
        "password_error": password_error,
    }
    return render(request, "backoffice/security.html", context, status=status)


# --- hardening: an email change takes effect when the new address confirms (issue 30)
@backoffice_view
@require_http_methods(["GET", "POST"])
def email_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to the new address; a GET only shows a button (scanners follow links)."""
    change = services.email_change_from_token(token)
    if change is None or change.retailer_id != request.retailer.pk:
        return render(request, "backoffice/email_confirm.html", {"change": None}, status=404)
    if request.method == "POST":
        try:
            services.retailer_email_change_confirm(change=change, user=request.user)
        except ValidationError as exc:
            return render(
                request,
                "backoffice/email_confirm.html",
                {"change": None, "error": exc.messages[0]},
                status=409,
            )
        messages.success(request, "Your email address is changed.")
        return redirect("retailers:backoffice-contact")
    return render(request, "backoffice/email_confirm.html", {"change": change})


# --- end hardening
