"""Registration on the company host: /register/."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from ..forms import RegistrationForm
from ..models import Retailer
from ..services import retailer_register
from ..team.services import sponsor_choice_resolve, sponsor_for_number

WELCOME_SALT = "retailers.registration.welcome"
WELCOME_MAX_AGE = 60 * 60


def registration_rate(group, request) -> str:
    return settings.RETAILER_REGISTRATION_RATE


@sensitive_post_parameters("tax_id", "password1", "password2")
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=registration_rate, method="POST", block=False)
def registration_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        sponsor = sponsor_for_number(request.GET.get("sponsor", ""))
        form = RegistrationForm(initial={"sponsor": sponsor.retailer_number if sponsor else ""})
        context = {"form": form, "sponsor_choice": sponsor_choice_resolve(chosen=sponsor)}
        return render(request, "retailers/register.html", context)
    if getattr(request, "limited", False):
        # Re-show what was typed (never secrets), validate nothing, write nothing.
        form = RegistrationForm(initial=_safe_initial(request.POST))
        context = {"form": form, "rate_limited": True, "sponsor_choice": _posted_choice(request)}
        return render(request, "retailers/register.html", context, status=429)
    if request.POST.get("find_sponsor") and request.POST.get("sponsor_search", "").strip():
        # The sponsor finder, inline: search, re-show what was typed, register nothing.
        # (An empty search is a registration: Enter in any field presses "Find", the
        # form's first submit button.)
        form = RegistrationForm(initial=_safe_initial(request.POST))
        context = {"form": form, "sponsor_choice": _posted_choice(request, search=True)}
        return render(request, "retailers/register.html", context)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            retailer = retailer_register(
                contact={name: data[name] for name in Retailer.CONTACT_FIELDS},
                tax_id_kind=data["tax_id_kind"],
                tax_id_digits=data["tax_id_digits"],
                username=data["username"],
                password=data["password1"],
                slug=data["slug"],
                display_name=data["display_name"],
                sponsor=data["sponsor"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        except IntegrityError:
            # A concurrent registration took the same address, username or email.
            form.add_error(
                None,
                "Someone registered the same web address, username or email a moment ago. "
                "Please check them and try again.",
            )
        else:
            token = signing.dumps(retailer.pk, salt=WELCOME_SALT)
            return redirect("retailers:registration-welcome", token=token)
    context = {"form": form, "sponsor_choice": _posted_choice(request)}
    return render(request, "retailers/register.html", context, status=400)


def _posted_choice(request: HttpRequest, *, search: bool = False):
    chosen = sponsor_for_number(request.POST.get("sponsor", ""))
    text = request.POST.get("sponsor_search", "") if search else ""
    return sponsor_choice_resolve(chosen=chosen, search=text, searched=search)


SAFE_FIELDS = {
    name
    for name in RegistrationForm.base_fields
    if name not in {"tax_id", "password1", "password2", "sponsor_search"}
}


def _safe_initial(post) -> dict:
    initial = {}
    for name in SAFE_FIELDS:
        if name in post:
            initial[name] = post.get(name)
    return initial


def _add_service_errors(form: RegistrationForm, exc: ValidationError) -> None:
    field_map = {"slug": "slug", "username": "username", "email": "email"}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field_map.get(field)
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def registration_welcome_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        retailer_pk = signing.loads(token, salt=WELCOME_SALT, max_age=WELCOME_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404("This link has expired.") from exc
    retailer = Retailer.objects.filter(pk=retailer_pk, kind=Retailer.Kind.RETAILER).first()
    if retailer is None:
        raise Http404("No such retailer")
    response = render(request, "retailers/welcome.html", {"new_retailer": retailer})
    response["Cache-Control"] = "no-store"
    return response


def retailer_terms_view(request: HttpRequest) -> HttpResponse:
    return render(request, "retailers/terms.html")
