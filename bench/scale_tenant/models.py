"""One small storefront table for bench/scale.py's additive migration (see scale_settings)."""

from django.db import models


class ScaleNote(models.Model):
    text = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.text
