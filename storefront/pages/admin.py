from django.contrib import admin

from .models import ShopPage


@admin.register(ShopPage)
class ShopPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    readonly_fields = ["updated_at"]
    fields = ["slug", "title", "summary", "body", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # The footer links these pages by slug: a slug cannot change once saved.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False
