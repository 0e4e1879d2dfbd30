"""Retailer teams: sponsorship, genealogy (ltree), the team plan, ranks and overrides."""

from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "retailers.team"
    label = "team"
    verbose_name = "Retailer teams"

    def ready(self) -> None:
        # A new retailer takes their place in the genealogy (under the sponsor, else the
        # company) through the registration hook: retailers imports no team code.
        from retailers.hooks import retailer_registered_hook_register

        from .services import team_member_enrol

        retailer_registered_hook_register(team_member_enrol)
        # The team close runs inside the one month close (retailers.earnings.close).
        from retailers.earnings.close import month_close_hook_register

        from .close import team_month_close

        month_close_hook_register(team_month_close)
