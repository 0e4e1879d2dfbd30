"""Retailer writes. Every rule lives in one function here; views and admin actions call them.

provision: company tenant, Retailer IDs, storefront schema + domain;
registration: the whole sign-up in one transaction; account: audit trail, SSN/EIN
reveal, contact data, suspension, password and two-step sign-in; storefront: name,
photo, about text and featured products.
"""

from .account import (
    audit_record,
    retailer_contact_update,
    retailer_password_change,
    retailer_reactivate,
    retailer_status_set,
    retailer_suspend,
    retailer_tax_id_reveal,
    retailer_tax_ids_rotate,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
)
from .email_change import (
    email_change_from_token,
    retailer_email_change_confirm,
    retailer_email_change_request,
    retailer_password_changed_notify,
)
from .provision import (
    company_tenant_ensure,
    retailer_demo_login_ensure,
    retailer_hostnames,
    retailer_number_next,
    retailer_provision,
    retailer_schema_name,
)
from .reauth import (
    ReauthGate,
    ReauthLockedOut,
    reauth_failure_record,
    reauth_gate_check,
    staff_password_reconfirm,
)
from .registration import retailer_register, retailer_welcome_email_enqueue

__all__ = [
    "email_change_from_token",
    "retailer_email_change_confirm",
    "retailer_email_change_request",
    "retailer_password_changed_notify",
    "ReauthGate",
    "ReauthLockedOut",
    "reauth_failure_record",
    "reauth_gate_check",
    "staff_password_reconfirm",
    "audit_record",
    "company_tenant_ensure",
    "retailer_contact_update",
    "retailer_demo_login_ensure",
    "retailer_hostnames",
    "retailer_number_next",
    "retailer_password_change",
    "retailer_provision",
    "retailer_reactivate",
    "retailer_register",
    "retailer_schema_name",
    "retailer_status_set",
    "retailer_suspend",
    "retailer_tax_id_reveal",
    "retailer_tax_ids_rotate",
    "retailer_welcome_email_enqueue",
    "totp_device_confirm",
    "totp_device_remove",
    "totp_device_start",
]
