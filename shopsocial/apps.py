from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class ShopAdminConfig(AdminConfig):
    """Django's admin on our site class: staff lockout and TOTP two-factor."""

    default_site = "shopsocial.admin_login.StaffAdminSite"


class ShopSocialConfig(AppConfig):
    """The project package as an app, last in INSTALLED_APPS: it enforces the guards.

    Its `ready()` runs after every other app has registered its checks, and refuses
    to start on a production guard's ERROR (shopsocial/guards.py).
    """

    name = "shopsocial"
    label = "shopsocial"
    verbose_name = "ShopSocial"

    def ready(self) -> None:
        from . import guards, storage  # noqa: F401  (register their checks)

        guards.startup_guards_enforce()
