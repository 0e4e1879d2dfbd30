"""Shop information pages (Shipping, Returns, Terms of sale), edited by staff in the admin.

Company-wide (public schema): every storefront and the company site show the same
text. The footer links the three pages the shop promises by their fixed slugs.
"""

from django.db import models
from django.urls import reverse

from shopsocial.invalidation import InvalidatingQuerySet


class ShopPage(models.Model):
    class Slug(models.TextChoices):
        SHIPPING = "shipping", "Shipping"
        RETURNS = "returns", "Returns"
        TERMS = "terms", "Terms of sale"

    slug = models.SlugField(max_length=40, unique=True, choices=Slug.choices)
    title = models.CharField(max_length=120)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One sentence shown under the title."
    )
    body = models.TextField(
        help_text="Plain text. A blank line starts a new paragraph; "
        "a line starting with '## ' is a heading; lines starting with '- ' make a list."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvalidatingQuerySet.as_manager()  # writes purge cached pages

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pages:detail", kwargs={"slug": self.slug})
