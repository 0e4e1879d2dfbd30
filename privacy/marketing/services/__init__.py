"""Marketing writes, split by sub-domain; import from here."""

from .campaigns import (
    CampaignComplianceError,
    CampaignStateError,
    TransientSendError,
    campaign_dispatch,
    campaign_finish_if_done,
    campaign_pause,
    campaign_resume,
    campaign_schedule,
    campaign_send_chunk,
    campaign_start,
    campaign_test_send,
    campaign_watchdog,
    campaigns_start_due,
)
from .reminders import (
    checkout_reminder_record,
    checkout_reminder_send,
    checkout_reminders_cancel_on_payment,
    checkout_reminders_send_due,
)
from .subscriptions import (
    consent_text,
    subscriber_unsubscribe,
    subscribers_purge_unconfirmed,
    subscription_confirm,
    subscription_request,
    suppression_add,
)
from .survey import SurveyAlreadyAnswered, survey_response_submit
from .tracking import tracking_event_process

__all__ = [
    "checkout_reminder_record",
    "checkout_reminder_send",
    "checkout_reminders_cancel_on_payment",
    "checkout_reminders_send_due",
    "CampaignComplianceError",
    "CampaignStateError",
    "SurveyAlreadyAnswered",
    "TransientSendError",
    "campaign_dispatch",
    "campaign_finish_if_done",
    "campaign_pause",
    "campaign_resume",
    "campaign_schedule",
    "campaign_send_chunk",
    "campaign_start",
    "campaign_test_send",
    "campaign_watchdog",
    "campaigns_start_due",
    "consent_text",
    "subscriber_unsubscribe",
    "subscribers_purge_unconfirmed",
    "subscription_confirm",
    "subscription_request",
    "suppression_add",
    "survey_response_submit",
    "tracking_event_process",
]
