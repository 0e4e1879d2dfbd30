"""The form renderer: Django's own form templates, plus the project's field template.

`templates/forms/field.html` wraps each field group in one element and puts a
checkbox beside its label, so every form (registration, back office, accounts)
is laid out alike by the one stylesheet.
"""

from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property


class ShopFormRenderer(DjangoTemplates):
    field_template_name = "forms/field.html"

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(django.forms.__file__).parent / "templates",
                    Path(settings.BASE_DIR) / "templates",
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
