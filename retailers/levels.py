"""Levels of the compensation plan: a field of the Retailer, so they live beside it."""

from django.db import models


class Level(models.TextChoices):
    """Retailer levels of the compensation plan (the retailer's own field)."""

    RETAILER = "retailer", "Retailer"
    SENIOR = "senior", "Senior retailer"
    DIRECTOR = "director", "Director"
