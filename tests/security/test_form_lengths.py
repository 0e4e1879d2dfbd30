"""Every form field that is stored in a column accepts no more than the column holds.

A form that accepts a longer value than its column turns a long but valid input (a
262-character email, a long name) into a database error, i.e. a 500. Each public form
is paired here with the models it writes; a same-named text field must be no longer.
"""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db import models

from orders.forms import CheckoutForm, LoginForm, SignupForm
from orders.models import Order
from privacy.forms import ContactForm as TicketForm
from privacy.forms import PersonalDetailsForm
from privacy.marketing.forms import NewsletterSignupForm, SurveyForm
from privacy.marketing.models import Subscriber, SurveyResponse
from privacy.models import Ticket, TicketMessage
from retailers.forms import ContactForm as RetailerContactForm
from retailers.forms import RegistrationForm, StorefrontForm
from retailers.models import Retailer
from storefront.content.models import StorefrontProfile

User = get_user_model()

# form -> the models its fields are stored in (by field name), plus renamed fields.
WRITES = {
    CheckoutForm: ([Order], {}),
    SignupForm: ([User], {"email": [("username", User), ("email", User)], "password": []}),
    LoginForm: ([], {"email": [("email", User)]}),
    TicketForm: ([Ticket], {"message": [("body", TicketMessage)]}),
    PersonalDetailsForm: ([User], {}),
    NewsletterSignupForm: ([Subscriber], {}),
    SurveyForm: ([SurveyResponse], {}),
    RegistrationForm: ([Retailer, User], {}),
    RetailerContactForm: ([Retailer], {}),
    StorefrontForm: ([Retailer, StorefrontProfile], {}),
}
# Longer on purpose, because the form's own cleaning refuses what the column cannot hold
# (with a clearer message than "at most N characters").
CLEANED_TO_FIT = {
    (RegistrationForm, "slug"): "retailers.validators.subdomain_normalize: 3 to 30 characters",
}


def _column_length(model, name: str) -> int | None:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return field.max_length  # None for an unbounded text column
    return None


def _targets(form_class, name: str):
    models_, renamed = WRITES[form_class]
    if name in renamed:
        return renamed[name]
    return [(name, model) for model in models_]


CASES = [
    (form_class, name)
    for form_class in WRITES
    for name, field in form_class.base_fields.items()
    if isinstance(field, forms.CharField)
]


@pytest.mark.parametrize(("form_class", "name"), CASES, ids=[f"{f.__name__}.{n}" for f, n in CASES])
@pytest.mark.django_db
def test_a_form_field_is_no_longer_than_its_column(form_class, name):
    field = form_class.base_fields[name]
    if (form_class, name) in CLEANED_TO_FIT:
        limits = [_column_length(model, column) for column, model in _targets(form_class, name)]
        for limit in filter(None, limits):
            too_long = "a" * (limit + 1)
            form = form_class(data={name: too_long})
            assert not form.is_valid() and name in form.errors, CLEANED_TO_FIT[(form_class, name)]
        return
    for column, model in _targets(form_class, name):
        limit = _column_length(model, column)
        if limit is None:
            continue
        if field.max_length is None:
            # A field validated against a fixed list (e.g. localflavor's US state select)
            # has no max_length: it must refuse an over-long value by validation.
            form = form_class(data={name: "A" * (limit + 1)})
            assert not form.is_valid() and name in form.errors, (
                f"{form_class.__name__}.{name} accepts {limit + 1} characters, "
                f"{model.__name__}.{column} holds {limit}"
            )
            continue
        assert field.max_length <= limit, (
            f"{form_class.__name__}.{name} accepts {field.max_length} characters, "
            f"{model.__name__}.{column} holds {limit}"
        )
