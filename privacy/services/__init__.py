"""Privacy writes, split by sub-domain; import from here."""

from .breach import (
    breach_deadline_alerts_send,
    breach_incident_notify,
    breach_list_affected_count,
    breach_notice_acknowledge,
    breach_notifications_dispatch,
    breach_notifications_send_batch,
)
from .personal_data import personal_data_erase, personal_data_export, personal_details_update
from .policy import policy_version_publish
from .tickets import ticket_open, ticket_reply_customer, ticket_reply_staff, ticket_update

__all__ = [
    "breach_deadline_alerts_send",
    "breach_incident_notify",
    "breach_list_affected_count",
    "breach_notice_acknowledge",
    "breach_notifications_dispatch",
    "breach_notifications_send_batch",
    "personal_data_erase",
    "personal_data_export",
    "personal_details_update",
    "policy_version_publish",
    "ticket_open",
    "ticket_reply_customer",
    "ticket_reply_staff",
    "ticket_update",
]
