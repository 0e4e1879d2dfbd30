"""Account writes (`<entity>_<verb>`, keyword-only, atomic). Every email is an outbox row
(`email_enqueue`) written in the transaction of its cause; secret links are made when it
is rendered (`orders/accounts/links.py`), never stored."""

from .common import ADDRESS_TAKEN
from .email import (
    EmailVerified,
    account_email_change_request,
    account_email_export,
    account_email_forget,
    account_email_proved_by_reset,
    account_email_verification_resend,
    account_email_verify,
    shopper_signup,
    shopper_signup_or_notify,
    verification_email_enqueue,
)
from .order_status import order_email_prove, order_status_links_revoke
from .recovery import (
    account_password_changed_notify,
    retailer_number_reminder_send,
    retailer_password_reset_request,
    shopper_password_reset_request,
    staff_password_reset_request,
)

__all__ = [
    "ADDRESS_TAKEN",
    "EmailVerified",
    "verification_email_enqueue",
    "account_email_change_request",
    "account_email_export",
    "account_email_forget",
    "account_email_proved_by_reset",
    "account_email_verification_resend",
    "account_email_verify",
    "account_password_changed_notify",
    "order_email_prove",
    "order_status_links_revoke",
    "retailer_number_reminder_send",
    "retailer_password_reset_request",
    "shopper_password_reset_request",
    "staff_password_reset_request",
    "shopper_signup",
    "shopper_signup_or_notify",
]
