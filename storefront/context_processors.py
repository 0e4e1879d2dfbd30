"""Header data on retailer storefronts: the category menu and the cart count.

Both are passed as callables, so the template evaluates them only where used;
neither touches the database or the session for an anonymous visitor.
"""

from django.http import HttpRequest

from .caching import slot_live
from .cart import Cart
from .selectors import category_tree


def storefront(request: HttpRequest) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_company:
        return {}
    cart = Cart(request)

    def cart_scene():
        from .scenes.selectors import scene_for_cart

        attribution = cart.attribution()
        if not attribution:
            return None
        slot_live(request)  # a scene's state has no version: its banner is never kept
        return scene_for_cart(retailer=tenant, attribution=attribution)

    return {"nav_categories": category_tree, "cart_count": cart.count, "cart_scene": cart_scene}
