"""Newsletter, consent, campaigns, unsubscribe and the suppression list (CAN-SPAM)."""
