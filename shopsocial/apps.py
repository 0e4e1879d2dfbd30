from django.contrib.admin.apps import AdminConfig


class ShopAdminConfig(AdminConfig):
    """Django's admin on our site class: staff lockout and TOTP two-factor."""

    default_site = "shopsocial.admin_login.StaffAdminSite"
