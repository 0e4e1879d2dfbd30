"""Order writes, split by sub-domain. Import from here."""

from .checkout import checkout_begin, checkout_session_start
from .corrections import order_contact_correct  # hardening: issue 30 item 10
from .errors import CheckoutError, OrderTransitionError, RefundError
from .fulfilment import order_refund, order_refund_record, order_ship
from .payment import order_payment_cancel, order_payment_confirm, order_payment_sync
from .placement import CustomerDetails, order_place
from .transitions import TRANSITIONS, order_transition

__all__ = [
    "order_contact_correct",
    "TRANSITIONS",
    "CheckoutError",
    "CustomerDetails",
    "OrderTransitionError",
    "RefundError",
    "checkout_begin",
    "checkout_session_start",
    "order_payment_cancel",
    "order_payment_confirm",
    "order_payment_sync",
    "order_place",
    "order_refund",
    "order_refund_record",
    "order_ship",
    "order_transition",
]
