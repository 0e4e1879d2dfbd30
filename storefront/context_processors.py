"""Header data of the shop pages: the category menu and the cart count.

On retailer storefronts and on the company site (which sells too). Both are passed
as callables, so the template evaluates them only where used; neither touches the
database or the session for an anonymous visitor.
"""

from django.http import HttpRequest

from .cart import Cart
from .selectors import category_tree


def storefront(request: HttpRequest) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return {}
    cart = Cart(request)
    if tenant.is_company:
        return {"nav_categories": category_tree, "cart_count": cart.count, "cart_scene": None}

    def cart_scene():
        from .scenes.selectors import scene_for_cart

        attribution = cart.attribution()
        if not attribution:
            return None
        return scene_for_cart(retailer=tenant, attribution=attribution)

    return {"nav_categories": category_tree, "cart_count": cart.count, "cart_scene": cart_scene}
