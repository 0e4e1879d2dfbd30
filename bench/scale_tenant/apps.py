from django.apps import AppConfig


class ScaleTenantConfig(AppConfig):
    name = "bench.scale_tenant"
    label = "scale_tenant"
    default_auto_field = "django.db.models.BigAutoField"
