"""The one key for an email address everywhere (suppression, breach dedup, exports)."""


def email_normalise(email: str) -> str:
    """Trimmed and lowercase: how every register compares addresses."""
    return (email or "").strip().lower()
