"""`{{ order.carrier|carrier_name }}`: "UPS" for "ups" (orders/accounts/carriers.py)."""

from django import template

from orders.accounts.carriers import carrier_display_name

register = template.Library()
register.filter("carrier_name", carrier_display_name)
