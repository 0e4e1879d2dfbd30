"""Retailer teams: sponsorship, genealogy (ltree), the team plan, ranks and overrides."""

from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "retailers.team"
    label = "team"
    verbose_name = "Retailer teams"
