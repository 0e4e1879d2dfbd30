"""`{% shopper_slot "name" %}...{% endshopper_slot %}`: a part of a page that differs per shopper.

Pages served by `storefront.caching.page_cache` are rendered once and kept; the
slots in them (cart count, account links, breach notices) are rendered again for
each request with that request's context. Outside a cached page a slot renders
its content as usual. A slot must not depend on the view's own context (only on
the request and the context processors), and each name marks one piece of markup.
"""

from django import template
from django.template.base import Node, NodeList, Parser, Token

from storefront.caching import SLOT_MARK, slot_recording, slot_register

register = template.Library()


class ShopperSlotNode(Node):
    def __init__(self, name: str, nodelist: NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        if slot_recording():
            return f"{SLOT_MARK}{self.name}{SLOT_MARK}"
        return self.nodelist.render(context)


@register.tag("shopper_slot")
def shopper_slot(parser: Parser, token: Token) -> ShopperSlotNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('usage: {% shopper_slot "name" %}')
    nodelist = parser.parse(("endshopper_slot",))
    parser.delete_first_token()
    node = ShopperSlotNode(bits[1][1:-1], nodelist)
    slot_register(node.name, node)
    return node
