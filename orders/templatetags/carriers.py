"""`{{ order.carrier|carrier_name }}`: "UPS" for "ups" (orders/carriers.py)."""

from django import template

from orders.carriers import carrier_display_name

register = template.Library()
register.filter("carrier_name", carrier_display_name)
